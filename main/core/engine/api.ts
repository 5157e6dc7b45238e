/**
 * Public API of the explanation engine (main process, worker-backed). The Electron app, the browser-mode
 * bridge and the CLI all talk to the engine through this interface only; the IPC contract
 * (preload/contract.ts) mirrors these DTOs. Pure types: no Node, no Electron, no ORT.
 */

import type { FaithfulnessCheck, RunTrust, Verdict } from '../trust/types'

export type ExecutionProvider = 'cuda' | 'dml' | 'webgpu' | 'cpu'

/** A model known to the registry (from a `models/*.json` card). */
export interface ModelInfo {
  readonly id: string
  readonly name: string
  readonly classes: readonly string[]
  readonly inputSize: readonly [number, number]
  readonly layers: number
  readonly tokens: number
  readonly clsIndex: number
  readonly grid: readonly [number, number]
  readonly patchSize: number
  readonly gradFirstLayer: number
  readonly sha256: string
  readonly isDefault: boolean
  /** The model card as written by the exporter (shown to the user). */
  readonly card: Readonly<Record<string, unknown>>
}

/** One explanation method as the UI lists it. */
export interface MethodInfo {
  readonly id: string
  readonly label: string
  readonly classSpecific: boolean
  /** Spec section, e.g. 'ALGORITHMS.md §3.3'. */
  readonly spec: string
  /** true for variants that deliberately reproduce the official code's quirks. */
  readonly official: boolean
  readonly description: string
}

export interface ClassScore { readonly index: number; readonly label: string; readonly logit: number; readonly probability: number }

/** How the original image was turned into the model input (to map the overlay back). */
export interface InputTransform {
  readonly originalWidth: number
  readonly originalHeight: number
  /** Crop rectangle in original pixels that was resized to the model input. */
  readonly crop: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
  readonly modelWidth: number
  readonly modelHeight: number
  readonly resize: string
  readonly mean: readonly number[]
  readonly std: readonly number[]
}

export interface ExplainOptions {
  readonly modelId?: string
  /** Method ids; default: all methods the model supports. */
  readonly methods?: readonly string[]
  /** Class to explain; default: the verdict's class at the card's operating point (top-1 without one). */
  readonly targetClass?: number
  readonly startLayer?: number
  readonly endLayer?: number
  readonly topK?: number
}

export interface MethodResult {
  readonly methodId: string
  /** Per-patch relevance, row-major grid (CLS removed), as the method defines it. */
  readonly patchRelevance: Float32Array
  /** Heatmap at model-input resolution (e.g. 224×224), bilinear per spec §3.1. */
  readonly heatmap: Float32Array
  readonly heatmapWidth: number
  readonly heatmapHeight: number
  /** Flagged when a min-max had max == min (spec §5.11). */
  readonly degenerate: boolean
  readonly durationMs: number
}

export interface ExplainResult {
  /** Id under which the engine caches this run's factors (for drill-down). */
  readonly runId: string
  readonly modelId: string
  readonly provider: ExecutionProvider
  readonly targetClass: number
  readonly topK: readonly ClassScore[]
  readonly methods: readonly MethodResult[]
  readonly transform: InputTransform
  /** "What the model saw": the RGB8 image after crop/resize, modelWidth × modelHeight. */
  readonly modelInputPreview: Uint8Array
  readonly timings: Readonly<Record<string, number>>
  /** Which explainer graph ran: the full one, or the card's forward-only variant (class-agnostic request). */
  readonly graph: 'full' | 'forward'
  /** The decision at the card's operating point (docs/TRUST.md), marked unreliable out of domain. */
  readonly verdict: Verdict
  /** Domain guard, agreement between the maps, each method's evaluated record (docs/TRUST.md). */
  readonly trust: RunTrust
}

/** Hidden-attention row (what the token attends to) and column (who attends to it), channel mean. */
export interface DrilldownResult {
  readonly runId: string
  readonly token: number
  readonly patch: number
  /** [layer][direction] → Float32Array(L), in original token order. */
  readonly rows: readonly (readonly [Float32Array, Float32Array])[]
  readonly cols: readonly (readonly [Float32Array, Float32Array])[]
  /** Per layer: the patch's value in each method's per-layer vector, if any (contribution profile). */
  readonly profile: Readonly<Record<string, Float32Array>>
  readonly durationMs: number
}

/** Pixels handed to the engine: an 8-bit RGB image (already windowed for scans) plus provenance. */
export interface EngineImage {
  readonly width: number
  readonly height: number
  /** Interleaved RGB, width*height*3. */
  readonly rgb: Uint8Array
  /** SHA-256 of the source file (never its path). */
  readonly sourceSha256: string
  /** Modality the file declares (DICOM Modality), checked against the model card's domain; absent for PNG/JPEG/NIfTI. */
  readonly modality?: string
}

export interface ProgressEvent { readonly stage: string; readonly fraction: number }

/** Logits and head features of a batch of model inputs (the card's classifier graph). */
export interface ClassifyResult {
  /** count × classes, row-major. */
  readonly logits: Float32Array
  /** count × featureDim, row-major: the final-normed CLS token the head reads. */
  readonly features: Float32Array
  readonly classes: number
  readonly featureDim: number
  readonly durationMs: number
}

/** The exact normalised model input of an image (what `explain` feeds the graph), for perturbation. */
export interface ModelInputResult {
  /** [3, H, W] float32, normalised with the card's mean and std. */
  readonly tensor: Float32Array
  readonly transform: InputTransform
}

/**
 * The engine as the app, the browser bridge and the CLI use it. Implemented in `main/engine/`
 * (inference in a worker thread; never blocks the caller's event loop).
 */
export interface Engine {
  listModels(): readonly ModelInfo[]
  listMethods(modelId?: string): readonly MethodInfo[]
  /** Pre-process, run the explainer graph once (for `targetClass`, default the verdict's class) and compute every requested method. */
  explain(image: EngineImage, options: ExplainOptions, signal?: AbortSignal, onProgress?: (p: ProgressEvent) => void): Promise<ExplainResult>
  /** Hidden-attention row and column of one token, every layer and direction, from the run's cached factors. */
  drilldown(runId: string, token: number, signal?: AbortSignal): Promise<DrilldownResult>
  /** All channel-mean L×L matrices of one run: [layer][direction] row-major Float32Array(L*L). */
  matrices(runId: string, signal?: AbortSignal): Promise<readonly (readonly [Float32Array, Float32Array])[]>
  /**
   * Quick deletion check of one method's map of a run (docs/TRUST.md): the explained class's probability with
   * the most relevant / random patches replaced by the training data's mean grey. null when the model card
   * has no classifier graph.
   */
  faithfulness(runId: string, methodId: string, signal?: AbortSignal): Promise<FaithfulnessCheck | null>
  /** Runs `count` normalised model inputs (count × 3 × H × W) through the model's batch classifier graph. */
  classify(inputs: Float32Array, count: number, options: { readonly modelId?: string }, signal?: AbortSignal): Promise<ClassifyResult>
  /** Pre-processes an image exactly as `explain` does and returns the model input tensor. */
  modelInput(image: EngineImage, options: { readonly modelId?: string }, signal?: AbortSignal): Promise<ModelInputResult>
  provider(): ExecutionProvider
  close(): Promise<void>
}
