/**
 * The engine (core/engine/api.ts `Engine`), backed by one inference worker. Main-thread work is limited
 * to validation and bookkeeping; runs are remembered by `runId` (bounded LRU) together with their
 * normalised input, so a drill-down still works after the worker was restarted (the factors are rebuilt
 * by re-running the graph, which is deterministic for the same feeds). Matrices are computed per layer
 * in the background and never delay interactive work (background.ts).
 */
import { randomUUID } from 'node:crypto'
import type {
  ClassifyResult, DrilldownResult, Engine, EngineImage, ModelInputResult, ExecutionProvider, ExplainOptions, ExplainResult, MethodInfo, ModelInfo, ProgressEvent,
} from '../core/engine/api'
import { AppError } from '../core/errors'
import type { FaithfulnessCheck } from '../core/trust/types'
import type { Logger } from '../core/log'
import { loadCardFile, resolveModel, type ModelEntry } from '../adapters/models/registry'
import { Lru } from '../worker/lru'
import { RunNotCached, type WorkerHost } from '../worker/host'
import type { DrilldownRes, ExplainRes, LoadRes, MatricesState, WorkerInput, WorkerMethodOptions, WorkerModelSpec } from '../worker/protocol'
import { MatricesBackground, type BackgroundEvent, type MatricesStatus } from './background'
import { methodInfos, resolveMethods, shouldPrecompute, workerSpec, type MatricesPolicy } from './model-specs'

/** What the engine remembers per run (main thread). */
interface RunRecord {
  readonly entry: ModelEntry
  readonly tensor: Float32Array
  readonly targetClass: number
  readonly graphTarget: number | null
  readonly options: WorkerMethodOptions
  /** Input identity in the worker (`MatricesState.key`): runs of the same image share their matrices. */
  readonly matricesKey: string
  matrices?: Float32Array
  /** Softmax of the logits and each method's patch relevance: what the quick deletion check needs. */
  readonly probabilities: readonly number[]
  readonly patchRelevance: ReadonlyMap<string, Float32Array>
}

/** Engine settings fixed at creation. */
export interface EngineSettings {
  readonly preferProviders?: readonly ExecutionProvider[]
  readonly optimizedCacheDir?: string
  readonly matrices: MatricesPolicy
  readonly runRecords: number
  /** Background-matrices events (bench, tests, diagnostics). */
  readonly onBackground?: (e: BackgroundEvent) => void
}

/** A drill-down plus where its vectors came from (bench and tests; the app uses `DrilldownResult`). */
export interface LensDrilldownResult extends DrilldownResult {
  /** Layers answered by a lookup in finished matrices pieces; the others were computed from the factors. */
  readonly lookupLayers: number
  readonly source: DrilldownRes['source']
}

/** Extras beyond `Engine` used by the CLI, the bench and tests. */
export interface LensEngine extends Engine {
  /** Explains an already-normalised `[3, H, W]` float32 tensor (conformance, `--input-tensor`). */
  explainTensor(tensor: Float32Array, options: ExplainOptions, signal?: AbortSignal, onProgress?: (p: ProgressEvent) => void): Promise<ExplainResult>
  /** Adds a model from a card path (CLI `--model path/to/card.json`); returns its info. */
  addModel(cardPath: string): ModelInfo
  /** Loads a model now (default: the default model); resolves with the provider used and timings. */
  load(modelId?: string, signal?: AbortSignal): Promise<ModelLoadInfo>
  /** Worker restarts so far (cancellations and crashes), for tests and diagnostics. */
  readonly workerSpawns: number
  drilldown(runId: string, token: number, signal?: AbortSignal): Promise<LensDrilldownResult>
  /** How far the background matrices of a run's input are (as the engine last heard from the worker). */
  matricesStatus(runId: string): MatricesStatus | undefined
}

/** How a model load went (worker side). `wasLoaded`: it was already open (timings 0). */
export type ModelLoadInfo = LoadRes

/**
 * Structured clone copies a typed array's WHOLE buffer, so a small view into a big buffer would drag
 * the rest along: such views are copied first and the copy is transferred (moved, not copied again).
 * A caller's whole-buffer array is cloned as is and never detached.
 */
function forTransfer<T extends Uint8Array | Float32Array>(a: T): { value: T; transfer: ArrayBuffer[] } {
  if (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return { value: a, transfer: [] }
  const copy = a.slice() as T
  return { value: copy, transfer: [copy.buffer as ArrayBuffer] }
}

function layerOptions(o: ExplainOptions): WorkerMethodOptions {
  return {
    ...(o.startLayer !== undefined ? { startLayer: o.startLayer } : {}),
    ...(o.endLayer !== undefined ? { endLayer: o.endLayer } : {}),
  }
}

/** Implementation of {@link LensEngine}. */
export class WorkerEngine implements LensEngine {
  private readonly runs: Lru<string, RunRecord>
  private lastProvider: ExecutionProvider = 'cpu'
  private readonly background: MatricesBackground

  constructor(
    private readonly entries: ModelEntry[],
    private readonly host: WorkerHost,
    private readonly settings: EngineSettings,
    private readonly log: Logger,
  ) {
    this.runs = new Lru(settings.runRecords)
    this.background = new MatricesBackground(host, log.child('matrices'), settings.onBackground, settings.runRecords)
  }

  get workerSpawns(): number {
    return this.host.spawned
  }

  listModels(): readonly ModelInfo[] {
    return this.entries.map((e) => e.info)
  }

  listMethods(modelId?: string): readonly MethodInfo[] {
    return methodInfos(modelId === undefined ? undefined : this.entry(modelId))
  }

  provider(): ExecutionProvider {
    return this.lastProvider
  }

  addModel(cardPath: string): ModelInfo {
    const entry = loadCardFile(cardPath)
    const i = this.entries.findIndex((e) => e.id === entry.id)
    if (i >= 0) this.entries.splice(i, 1, entry)
    else this.entries.push(entry)
    return entry.info
  }

  private entry(modelId: string | undefined): ModelEntry {
    return resolveModel(this.entries, modelId)
  }

  private spec(entry: ModelEntry): WorkerModelSpec {
    return workerSpec(entry, this.settings)
  }

  async load(modelId?: string, signal?: AbortSignal): Promise<ModelLoadInfo> {
    const res = await this.host.request<'load'>({ kind: 'load', model: this.spec(this.entry(modelId)) }, signal !== undefined ? { signal } : {})
    this.lastProvider = res.provider
    return res
  }

  async explain(image: EngineImage, options: ExplainOptions, signal?: AbortSignal, onProgress?: (p: ProgressEvent) => void): Promise<ExplainResult> {
    if (!(image.width >= 1 && image.height >= 1)) throw new AppError('image/empty', { detail: { width: image.width, height: image.height } })
    if (image.rgb.length !== image.width * image.height * 3) {
      throw new AppError('image/decode-failed', { detail: { reason: 'rgb length mismatch', length: image.rgb.length } })
    }
    const rgb = forTransfer(image.rgb)
    return this.run({ kind: 'image', width: image.width, height: image.height, rgb: rgb.value }, rgb.transfer, options, signal, onProgress, image.modality)
  }

  async explainTensor(tensor: Float32Array, options: ExplainOptions, signal?: AbortSignal, onProgress?: (p: ProgressEvent) => void): Promise<ExplainResult> {
    const data = forTransfer(tensor)
    return this.run({ kind: 'tensor', data: data.value }, data.transfer, options, signal, onProgress)
  }

  private async run(
    input: WorkerInput, transfer: ArrayBuffer[], options: ExplainOptions, signal?: AbortSignal, onProgress?: (p: ProgressEvent) => void, modality?: string,
  ): Promise<ExplainResult> {
    const t0 = performance.now()
    const entry = this.entry(options.modelId)
    const classes = entry.card.classes.length
    const target = options.targetClass
    if (target !== undefined && !(Number.isInteger(target) && target >= 0 && target < classes)) {
      throw new AppError('explain/target-class', { detail: { targetClass: target, classes } })
    }
    const methods = resolveMethods(entry, options.methods)
    const topK = Math.max(1, Math.min(classes, Math.floor(options.topK ?? 5)))
    const runId = randomUUID()
    const wo = layerOptions(options)
    const res: ExplainRes = await this.host.request<'explain'>(
      {
        kind: 'explain', model: this.spec(entry), runId, input, methods, options: wo, topK,
        ...(target !== undefined ? { targetClass: target } : {}), ...(modality !== undefined ? { modality } : {}),
      },
      { transfer, ...(signal !== undefined ? { signal } : {}), ...(onProgress !== undefined ? { onProgress } : {}) },
    )
    this.lastProvider = res.provider
    this.runs.set(runId, {
      entry, tensor: res.tensor, targetClass: res.targetClass, graphTarget: res.graphTarget, options: wo, matricesKey: res.matrices.key,
      probabilities: res.probabilities, patchRelevance: new Map(res.methods.map((m) => [m.methodId, m.patchRelevance])),
    })
    this.followMatrices(runId, entry, res.matrices)
    const timings = { ...res.timings, graphRuns: res.graphRuns, engineTotal: performance.now() - t0 }
    this.log.debug('explain done', { runId, model: entry.id, methods: methods.length, graphRuns: res.graphRuns, totalMs: Math.round(timings.engineTotal) })
    return {
      runId, modelId: entry.id, provider: res.provider, targetClass: res.targetClass, topK: res.topK, methods: res.methods,
      transform: res.transform, modelInputPreview: res.preview, timings, graph: res.graph, verdict: res.verdict, trust: res.trust,
    }
  }

  async classify(inputs: Float32Array, count: number, options: { readonly modelId?: string }, signal?: AbortSignal): Promise<ClassifyResult> {
    const data = forTransfer(inputs)
    const res = await this.host.request<'classify'>(
      { kind: 'classify', model: this.spec(this.entry(options.modelId)), inputs: data.value, count },
      { transfer: data.transfer, ...(signal !== undefined ? { signal } : {}) },
    )
    return res
  }

  async modelInput(image: EngineImage, options: { readonly modelId?: string }, signal?: AbortSignal): Promise<ModelInputResult> {
    if (image.rgb.length !== image.width * image.height * 3 || !(image.width >= 1 && image.height >= 1)) {
      throw new AppError('image/decode-failed', { detail: { reason: 'rgb length mismatch', length: image.rgb.length } })
    }
    const rgb = forTransfer(image.rgb)
    const res = await this.host.request<'modelInput'>(
      { kind: 'modelInput', model: this.spec(this.entry(options.modelId)), input: { kind: 'image', width: image.width, height: image.height, rgb: rgb.value } },
      { transfer: rgb.transfer, ...(signal !== undefined ? { signal } : {}) },
    )
    return { tensor: res.tensor, transform: res.transform }
  }

  private record(runId: string): RunRecord {
    const r = this.runs.get(runId)
    if (r === undefined) throw new AppError('run/not-found', { detail: { runId } })
    return r
  }

  /** Sends a run-cache job; on a cache miss rebuilds the run in the worker, then retries once. */
  private async withRun<T>(runId: string, job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const r = this.record(runId)
    try {
      return await job()
    } catch (e) {
      if (!(e instanceof RunNotCached)) throw e
      this.log.debug('run not cached in the worker; rebuilding', { runId })
      await this.host.request<'restore'>(
        { kind: 'restore', model: this.spec(r.entry), runId, tensor: r.tensor, graphTarget: r.graphTarget, targetClass: r.targetClass, options: r.options },
        signal !== undefined ? { signal } : {},
      )
      return job()
    }
  }

  /**
   * Points the background matrices at this run's input (the user's latest explain or drill-down) when
   * the policy wants them; otherwise only records the worker's progress.
   */
  private followMatrices(runId: string, entry: ModelEntry, m: MatricesState): void {
    if (shouldPrecompute(entry, this.settings.matrices)) this.background.follow(runId, this.spec(entry), m)
    else this.background.note(m)
  }

  async faithfulness(runId: string, methodId: string, signal?: AbortSignal): Promise<FaithfulnessCheck | null> {
    const r = this.record(runId)
    const patchRelevance = r.patchRelevance.get(methodId)
    if (patchRelevance === undefined) throw new AppError('explain/unknown-method', { detail: { methodId, reason: 'not computed in this run' } })
    return this.host.request<'faithfulness'>(
      {
        kind: 'faithfulness', model: this.spec(r.entry), methodId, tensor: r.tensor, patchRelevance, classIndex: r.targetClass,
        original: r.probabilities[r.targetClass] ?? NaN,
      },
      signal !== undefined ? { signal } : {},
    )
  }

  matricesStatus(runId: string): MatricesStatus | undefined {
    const r = this.runs.peek(runId)
    return r === undefined ? undefined : this.background.status(r.matricesKey)
  }

  async drilldown(runId: string, token: number, signal?: AbortSignal): Promise<LensDrilldownResult> {
    const t0 = performance.now()
    const r = this.record(runId)
    if (!(Number.isInteger(token) && token >= 0 && token < r.entry.card.tokens)) {
      throw new AppError('explain/invalid-token', { detail: { token, tokens: r.entry.card.tokens } })
    }
    const res = await this.withRun(runId, () => this.host.request<'drilldown'>({ kind: 'drilldown', runId, token }, signal !== undefined ? { signal } : {}), signal)
    // Resumes the background for this input if it is not the focus or lost its pieces (worker restart).
    this.followMatrices(runId, r.entry, res.matrices)
    return {
      runId, token, patch: res.patch, rows: res.rows, cols: res.cols, profile: res.profile, durationMs: performance.now() - t0,
      lookupLayers: res.lookupLayers, source: res.source,
    }
  }

  private async matricesData(runId: string, signal: AbortSignal | undefined): Promise<Float32Array> {
    const r = this.record(runId)
    if (r.matrices !== undefined) return r.matrices
    const opts = signal !== undefined ? { signal } : {}
    const res = await this.withRun(runId, () => this.host.request<'matrices'>({ kind: 'matrices', runId, model: this.spec(r.entry) }, opts), signal)
    r.matrices = res.data
    this.background.completed(r.matricesKey, res.layers)
    this.log.debug('matrices computed', { runId, source: res.source, ms: Math.round(res.durationMs) })
    return res.data
  }

  async matrices(runId: string, signal?: AbortSignal): Promise<readonly (readonly [Float32Array, Float32Array])[]> {
    const r = this.record(runId)
    const data = await this.matricesData(runId, signal)
    const L = r.entry.card.tokens
    const out: (readonly [Float32Array, Float32Array])[] = []
    for (let l = 0; l < r.entry.card.layers; l++) {
      const base = l * 2 * L * L
      out.push([data.subarray(base, base + L * L), data.subarray(base + L * L, base + 2 * L * L)])
    }
    return out
  }

  async close(): Promise<void> {
    this.background.close()
    this.runs.clear()
    await this.host.close()
  }
}
