/**
 * Perturbation tests (pure parts): the H-MA / Chefer positive and negative pixel-erasure test of
 * ALGORITHMS.md §4.1, and deletion / insertion curves of the explained-class probability on patches.
 *
 * §4.1: for f = 0.1 … 0.9, `k = int(H·W·f)` pixels in the order of the upsampled map (negated for the
 * negative test) are set to 0 in all three channels of the UNnormalised image ("blacked out"), then
 * normalised; "correct" = argmax equals the ground-truth label. Both AUC definitions of the spec are
 * reported: the trapezoid over f ∈ [0.1, 0.9] with accuracy in percent (so at most 80), and the plain
 * mean of the nine accuracies in percent.
 *
 * Deletion / insertion (Petsiuk et al., on the patch grid): patches in order of relevance are replaced
 * by a fill colour (deletion, from the original image) or revealed on a fill-coloured canvas
 * (insertion); the curve is the explained-class probability after 0, 10, …, 100 % of the patches; AUC =
 * trapezoid over the fraction in [0, 1].
 */
import { relevanceOrder } from './order'

/** §4.1 erasure fractions. */
export const PERTURBATION_FRACTIONS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const

/** Deletion / insertion fractions of the patches (0 and 1 included). */
export const CURVE_FRACTIONS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const

/** Per-channel normalisation of the model input (card `input.mean`/`std`). */
export interface Normalisation {
  readonly mean: readonly number[]
  readonly std: readonly number[]
}

/** `k = int(n·f)` as Python's `int()` of the float product (§4.1). */
export function erasedCount(pixels: number, fraction: number): number {
  return Math.trunc(pixels * fraction)
}

/**
 * The normalised CHW input with the first `k` pixels of `order` blacked out (0 before normalisation,
 * i.e. `−mean/std` after), all channels.
 */
export function blackOut(input: Float32Array, pixels: number, order: Int32Array, k: number, norm: Normalisation): Float32Array {
  const out = Float32Array.from(input)
  for (let c = 0; c < 3; c++) {
    const black = (0 - norm.mean[c]!) / norm.std[c]!
    const base = c * pixels
    for (let i = 0; i < k; i++) out[base + order[i]!] = black
  }
  return out
}

/** The nine §4.1 inputs of one image for one map (positive: most relevant first). */
export function erasureInputs(input: Float32Array, heatmap: ArrayLike<number>, positive: boolean, norm: Normalisation): Float32Array[] {
  const order = relevanceOrder(heatmap, positive)
  return PERTURBATION_FRACTIONS.map((f) => blackOut(input, heatmap.length, order, erasedCount(heatmap.length, f), norm))
}

/** Both §4.1 AUCs of nine accuracies in [0, 1] (see module doc), in percent. */
export function perturbationAucs(accuracies: readonly number[]): { trapezoid: number; mean: number } {
  if (accuracies.length !== PERTURBATION_FRACTIONS.length) throw new RangeError('nine accuracies expected')
  return {
    trapezoid: 100 * trapezoid(PERTURBATION_FRACTIONS, accuracies),
    mean: (100 * accuracies.reduce((s, a) => s + a, 0)) / accuracies.length,
  }
}

/** Trapezoid rule for `y(x)` on increasing `x`. */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let s = 0
  for (let i = 1; i < x.length; i++) s += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2
  return s
}

/** Patch geometry of the model input. */
export interface PatchGrid {
  readonly rows: number
  readonly cols: number
  readonly patchSize: number
}

/** Copies patch `p` (row-major) of `src` into `dst` (both CHW, `rows·patchSize × cols·patchSize`). */
function copyPatch(dst: Float32Array, src: Float32Array | null, fill: readonly number[], grid: PatchGrid, p: number): void {
  const w = grid.cols * grid.patchSize
  const plane = w * grid.rows * grid.patchSize
  const y0 = Math.floor(p / grid.cols) * grid.patchSize
  const x0 = (p % grid.cols) * grid.patchSize
  for (let c = 0; c < 3; c++) {
    for (let y = y0; y < y0 + grid.patchSize; y++) {
      const row = c * plane + y * w
      for (let x = x0; x < x0 + grid.patchSize; x++) dst[row + x] = src === null ? fill[c]! : src[row + x]!
    }
  }
}

/**
 * Deletion (`insert = false`) or insertion inputs at `CURVE_FRACTIONS` for one patch order.
 * `fill` is the normalised per-channel fill value (e.g. the data set's mean grey).
 */
export function patchCurveInputs(input: Float32Array, patchOrder: Int32Array, grid: PatchGrid, fill: readonly number[], insert: boolean): Float32Array[] {
  const n = grid.rows * grid.cols
  const canvas = new Float32Array(input.length)
  if (insert) for (let p = 0; p < n; p++) copyPatch(canvas, null, fill, grid, p)
  else canvas.set(input)
  const out: Float32Array[] = []
  let done = 0
  for (const f of CURVE_FRACTIONS) {
    const k = Math.round(n * f)
    for (; done < k; done++) copyPatch(canvas, insert ? input : null, fill, grid, patchOrder[done]!)
    out.push(Float32Array.from(canvas))
  }
  return out
}

/** AUC of a deletion or insertion curve sampled at `CURVE_FRACTIONS`. */
export function curveAuc(probabilities: readonly number[]): number {
  return trapezoid(CURVE_FRACTIONS, probabilities)
}
