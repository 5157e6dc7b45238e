/**
 * The explanation-method interface (STYLE.md §1.5). A method is pure and synchronous: it reads the
 * graph outputs it declares in `needs` (names exactly as in docs/GRAPH_CONTRACT.md) and returns one
 * relevance value per TOKEN (length `L`, CLS included, float64). The shared post-processing of
 * ALGORITHMS.md §3.1 (drop CLS, clamp ⁺, grid, bilinear) is applied afterwards by `postprocess.ts`
 * (`runMethod` in `run.ts` does both), so a method implements only its specific part.
 */
import type { F32Tensor } from '../tensor/f32'
import type { TokenLayout } from '../layout'

/** Graph outputs a method may consume (docs/GRAPH_CONTRACT.md; `logits` is not a method input). */
export type Tap =
  | 'hma_mean'
  | 'hma_pos_mean'
  | 'hma_range'
  | 'true_mean'
  | 'true_pos_mean'
  | 'true_range'
  | 'uia_mean'
  | 'uia_pos_mean'
  | 'uia_range'
  | 'grad_max_pos'
  | 'grad'
  | 'lrp'
  | 'grad_input'
  | 'grad_image'
  | 'delta'
  | 'B'
  | 'C'
  | 'A'
  | 'conv_sigmoid'
  | 'gate'

/**
 * The outputs of ONE graph run (one image, one target class) plus the model's sizes.
 * Class-specific taps (`grad*`, `lrp`) are those of the run's `target`, so "any class" means
 * "run the graph with that target" (GRAPH_CONTRACT: `target` input).
 */
export interface TapSet {
  readonly layout: TokenLayout
  /** `Λ`, number of Mamba blocks. */
  readonly layers: number
  /** First layer with gradient taps: `grad_max_pos[g]` is layer `gradFirstLayer + g`. */
  readonly gradFirstLayer: number
  readonly tensors: Readonly<Partial<Record<Tap, F32Tensor>>>
}

/** Per-call options. Layers are absolute indices `0..Λ−1`. */
export interface MethodOptions {
  /** First layer used; default `gradFirstLayer` (15 for Vim-T/S, spec §3.2–3.6 `start_layer`). */
  readonly startLayer?: number
  /** Last layer used (inclusive); default `Λ − 1`. */
  readonly endLayer?: number
  /** Seed of stochastic baselines (default 0). */
  readonly seed?: number
}

/** Output of a method: per-token relevance, CLS included, before the §3.1 post-processing. */
export interface TokenRelevance {
  /** Length `L` (float64). */
  readonly tokens: Float64Array
  /** A min-max had `max == min` and was replaced by zeros (spec §5.11), or a rollout diverged. */
  readonly degenerate: boolean
}

/** Per-layer vectors a layer-wise method combines (for the drill-down "contribution profile"). */
export interface LayerVectors {
  /** Absolute layer indices, increasing. */
  readonly layers: readonly number[]
  /** One length-`L` vector per entry of `layers`. */
  readonly vectors: readonly Float64Array[]
  readonly degenerate: boolean
}

/** One explanation method (STYLE.md §1.5). */
export interface ExplanationMethod<Id extends string = string> {
  /** Stable kebab-case id (IPC, CLI, exports, fixtures). */
  readonly id: Id
  readonly label: string
  /** Depends on the explained class (needs the gradient or LRP taps of that target). */
  readonly classSpecific: boolean
  /** True when it reproduces the official code, quirks included. */
  readonly official: boolean
  /** Spec reference, e.g. `ALGORITHMS.md §3.3`. */
  readonly spec: string
  readonly description: string
  /** Taps read by `explain`; nothing else is read. */
  readonly needs: readonly Tap[]
  /** Whether `startLayer`/`endLayer` affect the result. */
  readonly usesLayerRange: boolean
  /** Per-token relevance (length `L`). Throws `AppError('explain/missing-tap' | 'explain/layer-range' | …)`. */
  explain(taps: TapSet, opts?: MethodOptions): TokenRelevance
  /** The per-layer vectors combined by `explain`, for layer-wise methods. */
  layerVectors?(taps: TapSet, opts?: MethodOptions): LayerVectors
}

/** Identity helper that keeps the literal `id` type (so the registry can derive `MethodId`). */
export function defineMethod<const Id extends string>(method: ExplanationMethod<Id>): ExplanationMethod<Id> {
  return method
}
