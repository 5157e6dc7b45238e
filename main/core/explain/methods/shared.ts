/**
 * Building blocks shared by the layer-wise methods (ALGORITHMS.md §3.1–3.6): the min-max gradient
 * weight `ŝ_l`, the affine per-layer min-max of the channel mean, and the rollout combination.
 */
import { normaliseWith, minmaxNormalise, type Normalised } from '../../tensor/minmax'
import { RANGE, gradRow, layerRow } from '../taps'
import { rolloutClosedForm } from '../rollout'
import type { LayerVectors, Tap, TapSet, TokenRelevance } from '../method'

/** Which CLS-vector taps a method family reads: the official H-MA vector or the true CLS row. */
export interface AttentionSource {
  readonly mean: Tap
  readonly posMean: Tap
  readonly range: Tap
}

/** Official H-MA CLS vector with its off-by-one (§2.3–2.4). */
export const HMA_SOURCE: AttentionSource = { mean: 'hma_mean', posMean: 'hma_pos_mean', range: 'hma_range' }
/** Correct CLS row `α[c*, :]` of both directions summed (§2.1; GRAPH_CONTRACT `true_*`). */
export const TRUE_SOURCE: AttentionSource = { mean: 'true_mean', posMean: 'true_pos_mean', range: 'true_range' }

/**
 * `ŝ_l = minmax(s_l)` with `s_l[j] = max_k (G_l[j,k])⁺` read from `grad_max_pos` (§3.4 step 3),
 * over all `L` tokens incl. CLS. Gradient rows are offset by `gradFirstLayer`.
 */
export function gradientWeight(taps: TapSet, layer: number): Normalised {
  return minmaxNormalise(gradRow(taps, 'grad_max_pos', layer))
}

/**
 * `mean_e minmax(a)[e, j] = (mean_e a − min a)/(max a − min a)` (minmax is affine, §3.2) with the
 * whole-`(E, L)` extremes from the `*_range` tap; `positive` uses the `a⁺` columns (§3.4).
 */
export function normalisedChannelMean(taps: TapSet, src: AttentionSource, layer: number, positive: boolean): Normalised {
  const range = layerRow(taps, src.range, layer)
  const mean = layerRow(taps, positive ? src.posMean : src.mean, layer)
  const lo = range[positive ? RANGE.minPos : RANGE.min]!
  const hi = range[positive ? RANGE.maxPos : RANGE.max]!
  return normaliseWith(mean, lo, hi)
}

/** Elementwise product into a new float64 array. */
export function multiply(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * b[i]!
  return out
}

/** Combines per-layer vectors with the official rollout (§3.1), CLS row. */
export function rolloutOf(taps: TapSet, lv: LayerVectors): TokenRelevance {
  const r = rolloutClosedForm(lv.vectors, taps.layout.clsIndex)
  return { tokens: r.tokens, degenerate: r.degenerate || lv.degenerate }
}

/** Mean over layers of per-layer vectors (§3.2), float64. */
export function layerMean(taps: TapSet, lv: LayerVectors): TokenRelevance {
  const out = new Float64Array(taps.layout.tokens)
  for (const v of lv.vectors) for (let j = 0; j < out.length; j++) out[j] = out[j]! + v[j]!
  for (let j = 0; j < out.length; j++) out[j] = out[j]! / lv.vectors.length
  return { tokens: out, degenerate: lv.degenerate }
}
