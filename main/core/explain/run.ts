/**
 * One call for the engine: validate taps → method → §3.1 post-processing (ALGORITHMS.md §3.1).
 * The method only sees the taps it declares (`restrictTaps`), so an undeclared read fails loudly.
 */
import { toF32 } from '../tensor/f32'
import type { ExplanationMethod, MethodOptions, TapSet } from './method'
import { postprocess } from './postprocess'
import { restrictTaps, validateTaps } from './taps'

/** Output size of the heatmap, normally the model input (e.g. 224×224). */
export interface HeatmapSize {
  readonly width: number
  readonly height: number
}

/** Everything a `MethodResult` (engine/api.ts) needs except timing. */
export interface MethodOutput {
  readonly methodId: string
  /** Per-token relevance, length `L`, CLS included, before post-processing (float64). */
  readonly tokens: Float64Array
  /** `(ρ without c*)⁺`, row-major grid (length `M`). */
  readonly patchRelevance: Float32Array
  /** Bilinear upsampling of `patchRelevance` (not min-max normalised; display may normalise). */
  readonly heatmap: Float32Array
  readonly heatmapWidth: number
  readonly heatmapHeight: number
  readonly degenerate: boolean
}

/**
 * Runs `method` on `taps` and post-processes. Throws `AppError` with `explain/missing-tap`,
 * `explain/tap-shape` or `explain/layer-range`.
 */
export function runMethod(
  method: ExplanationMethod,
  taps: TapSet,
  opts: MethodOptions,
  size: HeatmapSize,
): MethodOutput {
  validateTaps(taps, method.needs)
  const rel = method.explain(restrictTaps(taps, method.needs), opts)
  const post = postprocess(taps.layout, rel.tokens, size.height, size.width)
  return {
    methodId: method.id,
    tokens: rel.tokens,
    patchRelevance: toF32(post.patch),
    heatmap: toF32(post.heatmap),
    heatmapWidth: post.width,
    heatmapHeight: post.height,
    degenerate: rel.degenerate,
  }
}
