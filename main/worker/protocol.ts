/**
 * Message protocol between the engine (main thread) and the inference worker (STYLE.md §1.4).
 * One request kind ↔ one response type (`JobMap`), so both ends are checked by the compiler.
 * Big arrays travel as transferables; nothing here holds a path except the model spec's file paths,
 * which never leave main + worker (no logging of them).
 */
import type { ClassScore, InputTransform, MethodResult, ProgressEvent } from '../core/engine/api'
import type { ErrorCode } from '../core/errors'
import type { LogRecord } from '../core/log'
import type { ExecutionProvider } from '../core/engine/api'
import type { ModelCard } from '../adapters/models/card'
import type { ProviderAttempt } from '../adapters/onnx/session'
import type { FaithfulnessCheck, RunTrust, Verdict } from '../core/trust/types'

/** Everything the worker needs to open a model (sent with every model job: the worker loads lazily). */
export interface WorkerModelSpec {
  readonly id: string
  readonly onnxPath: string
  readonly matricesPath?: string
  readonly forwardPath?: string
  readonly classifierPath?: string
  readonly gpuPath?: string
  readonly gpuClassifierPath?: string
  readonly card: ModelCard
  readonly preferProviders?: readonly ExecutionProvider[]
  readonly optimizedCacheDir?: string
}

/** Pixels (RGB8, copied) or an already-normalised CHW tensor (conformance / `--input-tensor`). */
export type WorkerInput =
  | { readonly kind: 'image'; readonly width: number; readonly height: number; readonly rgb: Uint8Array }
  | { readonly kind: 'tensor'; readonly data: Float32Array }

/** Layer range and seed passed to every method. */
export interface WorkerMethodOptions {
  readonly startLayer?: number
  readonly endLayer?: number
  readonly seed?: number
}

/**
 * Which matrices pieces (one per layer: both directions, `[2, L, L]`) the worker holds for a run's
 * input. `key` identifies the model + normalised input: runs of the same image share their pieces,
 * because the factors do not depend on the explained class (measured bitwise equal on Vim-T).
 */
export interface MatricesState {
  readonly key: string
  readonly layers: number
  /** Layers whose piece is done, ascending. */
  readonly done: readonly number[]
}

export interface LoadReq { readonly kind: 'load'; readonly model: WorkerModelSpec }
export interface LoadRes {
  readonly provider: ExecutionProvider
  readonly attempts: readonly ProviderAttempt[]
  readonly createMs: number
  readonly verifyMs: number
  /** 'miss': the host saves the optimised graph in a thread of its own after this job (optimize-thread.ts). */
  readonly optimizedCache: 'hit' | 'miss' | 'off'
  readonly wasLoaded: boolean
}

export interface ExplainReq {
  readonly kind: 'explain'
  readonly model: WorkerModelSpec
  readonly runId: string
  readonly input: WorkerInput
  readonly targetClass?: number
  readonly methods: readonly string[]
  readonly options: WorkerMethodOptions
  readonly topK: number
  /** Modality the source file declares (domain guard). */
  readonly modality?: string
}
export interface ExplainRes {
  readonly provider: ExecutionProvider
  readonly targetClass: number
  readonly topK: readonly ClassScore[]
  readonly methods: readonly MethodResult[]
  readonly transform: InputTransform
  readonly preview: Uint8Array
  /** The normalised input, kept by the engine so a lost run cache can be rebuilt (`restore`). */
  readonly tensor: Float32Array
  readonly timings: Readonly<Record<string, number>>
  /** 1, or 2 when top-1 had to be found before a class-specific run (docs/BENCHMARKS.md). */
  readonly graphRuns: number
  /** Which explainer ran: the full graph, or the card's forward-only variant (class-agnostic requests). */
  readonly graph: 'full' | 'forward'
  /** Class whose one-hot fed the graph (`null`: all-zero target, class-specific taps meaningless). */
  readonly graphTarget: number | null
  readonly matrices: MatricesState
  readonly verdict: Verdict
  readonly trust: RunTrust
  /** Softmax of the logits, every class (the quick deletion check starts from it). */
  readonly probabilities: readonly number[]
}

/** Re-runs the graph for a cached run that the worker lost (respawn or eviction). */
export interface RestoreReq {
  readonly kind: 'restore'
  readonly model: WorkerModelSpec
  readonly runId: string
  readonly tensor: Float32Array
  /** `ExplainRes.graphTarget` of the original run, so the rebuilt taps are identical. */
  readonly graphTarget: number | null
  readonly targetClass: number
  readonly options: WorkerMethodOptions
}
export interface RestoreRes { readonly durationMs: number; readonly matrices: MatricesState }

export interface DrilldownReq { readonly kind: 'drilldown'; readonly runId: string; readonly token: number }
export interface DrilldownRes {
  readonly patch: number
  readonly rows: readonly (readonly [Float32Array, Float32Array])[]
  readonly cols: readonly (readonly [Float32Array, Float32Array])[]
  readonly profile: Readonly<Record<string, Float32Array>>
  /** `matrices`: every layer a lookup; `factors`: none; `mixed`: done pieces looked up, the rest computed. */
  readonly source: 'matrices' | 'factors' | 'mixed'
  /** Layers answered from finished pieces. */
  readonly lookupLayers: number
  readonly matrices: MatricesState
  readonly durationMs: number
}

export interface MatricesReq { readonly kind: 'matrices'; readonly runId: string; readonly model: WorkerModelSpec }
export interface MatricesRes {
  /** `[Λ, 2, L, L]` row-major, original token order (direction 1 flipped on both axes, spec §2.2). */
  readonly data: Float32Array
  readonly layers: number
  readonly tokens: number
  readonly source: 'graph' | 'typescript' | 'cache'
  readonly durationMs: number
}

/** One background piece: both directions of `layer` (matrices graph with G = 2, else TypeScript). */
export interface MatricesPieceReq {
  readonly kind: 'matricesPiece'
  readonly runId: string
  /** `MatricesState.key` of the run: any cached run of the same input will do (pieces are shared). */
  readonly key: string
  readonly model: WorkerModelSpec
  readonly layer: number
}
export interface MatricesPieceRes {
  readonly layer: number
  readonly source: 'graph' | 'typescript' | 'cache'
  readonly matrices: MatricesState
  readonly durationMs: number
}

/** Quick deletion check of one map (trust-jobs.ts). */
export interface FaithfulnessReq {
  readonly kind: 'faithfulness'
  readonly model: WorkerModelSpec
  readonly methodId: string
  readonly tensor: Float32Array
  readonly patchRelevance: Float32Array
  readonly classIndex: number
  /** Probability of `classIndex` on the unperturbed input. */
  readonly original: number
}

/** A batch of model inputs (already normalised, count × C × H × W) through the card's classifier graph. */
export interface ClassifyReq { readonly kind: 'classify'; readonly model: WorkerModelSpec; readonly inputs: Float32Array; readonly count: number }
export interface ClassifyRes {
  /** count × classes and count × featureDim, row-major. */
  readonly logits: Float32Array
  readonly features: Float32Array
  readonly classes: number
  readonly featureDim: number
  readonly durationMs: number
}

/** Pre-processing alone: the exact normalised tensor the explainer would get for this input. */
export interface ModelInputReq { readonly kind: 'modelInput'; readonly model: WorkerModelSpec; readonly input: WorkerInput }
export interface ModelInputRes { readonly tensor: Float32Array; readonly transform: InputTransform; readonly preview: Uint8Array }

export interface ReleaseReq { readonly kind: 'release'; readonly modelId?: string }
export interface ReleaseRes { readonly released: number }

export interface StatsReq { readonly kind: 'stats' }
export interface StatsRes { readonly sessions: number; readonly cachedRuns: number; readonly heapUsed: number }

/** Request kind → [request, response]. */
export interface JobMap {
  load: [LoadReq, LoadRes]
  explain: [ExplainReq, ExplainRes]
  restore: [RestoreReq, RestoreRes]
  drilldown: [DrilldownReq, DrilldownRes]
  matrices: [MatricesReq, MatricesRes]
  matricesPiece: [MatricesPieceReq, MatricesPieceRes]
  classify: [ClassifyReq, ClassifyRes]
  modelInput: [ModelInputReq, ModelInputRes]
  release: [ReleaseReq, ReleaseRes]
  stats: [StatsReq, StatsRes]
  faithfulness: [FaithfulnessReq, FaithfulnessCheck | null]
}
export type JobKind = keyof JobMap
export type AnyRequest = JobMap[JobKind][0]
export type ResponseOf<K extends JobKind> = JobMap[K][1]

/** An error as it crosses the thread boundary (AppError fields; `internal` for anything else). */
export interface SerializedError {
  readonly code: ErrorCode
  readonly detail?: Readonly<Record<string, unknown>>
  /** Non-user-facing description of the cause, for the log. */
  readonly cause?: string
}

/** main → worker. */
export interface JobEnvelope { readonly jobId: number; readonly req: AnyRequest }

/** worker → main. `miss`: the run is not (or no longer) in the worker's cache. */
export type WorkerMessage =
  | { readonly type: 'ok'; readonly jobId: number; readonly value: unknown }
  | { readonly type: 'error'; readonly jobId: number; readonly error: SerializedError }
  | { readonly type: 'miss'; readonly jobId: number }
  | { readonly type: 'progress'; readonly jobId: number; readonly progress: ProgressEvent }
  | { readonly type: 'log'; readonly record: LogRecord }
  | { readonly type: 'ready' }
  /** A load missed the optimised-graph cache: the host writes it (sent after the job's answer). */
  | { readonly type: 'store'; readonly job: StoreJob }

/** One optimised-graph cache write (optimize-thread.ts). */
export interface StoreJob {
  readonly modelPath: string
  readonly sha256: string
  readonly provider: ExecutionProvider
  readonly optimizedCacheDir: string
}

/** Buffers of a value that can be moved instead of copied (each buffer once). */
export function transferablesOf(values: readonly (ArrayBufferView | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>()
  for (const v of values) {
    if (v !== undefined && v.buffer instanceof ArrayBuffer && v.buffer.byteLength > 0) out.add(v.buffer)
  }
  return [...out]
}
