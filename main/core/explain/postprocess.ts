/**
 * Shared post-processing of every method (ALGORITHMS.md §3.1, [S-21]): drop the CLS entry, clamp to
 * the positive part, reshape row-major to the patch grid, bilinear upsampling with
 * `align_corners=False` (PyTorch `F.interpolate(..., mode='bilinear')`).
 */
import { AppError } from '../errors'
import { dropCls, type TokenLayout } from '../layout'

/** `v⁺ = max(v, 0)` elementwise, into a new float64 array (spec §0). */
export function clampPositive(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    out[i] = v > 0 ? v : 0
  }
  return out
}

/** `ρ' = (ρ without c*)⁺` in patch order (length `M`): the 196-vector the official maps report. */
export function patchRelevance(layout: TokenLayout, tokens: ArrayLike<number>): Float64Array {
  return clampPositive(dropCls(layout, tokens))
}

/** Source index pair and weight for one output coordinate. */
interface Tap1D {
  readonly i0: Int32Array
  readonly i1: Int32Array
  readonly lambda: Float64Array
}

/**
 * §3.1 coordinates: `src = max((o + 0.5)·scale − 0.5, 0)`, `i0 = min(⌊src⌋, n−1)`,
 * `i1 = min(i0 + 1, n−1)`, `λ = src − i0`, with `scale = nIn / nOut` (= 1/16 for ×16; PyTorch's
 * `size=` mode, identical to `scale_factor=` when `nOut = nIn·factor`).
 */
function coords(nOut: number, nIn: number): Tap1D {
  const i0 = new Int32Array(nOut)
  const i1 = new Int32Array(nOut)
  const lambda = new Float64Array(nOut)
  const scale = nIn / nOut
  for (let o = 0; o < nOut; o++) {
    const src = Math.max((o + 0.5) * scale - 0.5, 0)
    const lo = Math.min(Math.floor(src), nIn - 1)
    i0[o] = lo
    i1[o] = Math.min(lo + 1, nIn - 1)
    lambda[o] = src - lo
  }
  return { i0, i1, lambda }
}

/**
 * Bilinear upsampling of a row-major `rows × cols` grid to `outHeight × outWidth` (§3.1 formula):
 * `out[y,x] = (1−λy)((1−λx)A[y0,x0] + λx A[y0,x1]) + λy((1−λx)A[y1,x0] + λx A[y1,x1])`.
 */
export function upsampleBilinear(
  grid: ArrayLike<number>,
  rows: number,
  cols: number,
  outHeight: number,
  outWidth: number,
): Float64Array {
  if (grid.length !== rows * cols || rows < 1 || cols < 1 || outHeight < 1 || outWidth < 1) {
    throw new AppError('internal', { detail: { reason: 'upsample shape', length: grid.length, rows, cols } })
  }
  const ys = coords(outHeight, rows)
  const xs = coords(outWidth, cols)
  const out = new Float64Array(outHeight * outWidth)
  for (let y = 0; y < outHeight; y++) {
    const ly = ys.lambda[y]!
    const r0 = ys.i0[y]! * cols
    const r1 = ys.i1[y]! * cols
    for (let x = 0; x < outWidth; x++) {
      const lx = xs.lambda[x]!
      const x0 = xs.i0[x]!
      const x1 = xs.i1[x]!
      const top = (1 - lx) * grid[r0 + x0]! + lx * grid[r0 + x1]!
      const bottom = (1 - lx) * grid[r1 + x0]! + lx * grid[r1 + x1]!
      out[y * outWidth + x] = (1 - ly) * top + ly * bottom
    }
  }
  return out
}

/** Result of the §3.1 pipeline on one token-relevance vector. */
export interface PostProcessed {
  /** Length `M`, CLS removed, clamped ⁺ (before upsampling). */
  readonly patch: Float64Array
  /** `outHeight × outWidth`, row-major. */
  readonly heatmap: Float64Array
  readonly width: number
  readonly height: number
}

/** Drop CLS → ⁺ → grid → bilinear to `outHeight × outWidth` (e.g. 224×224; spec §3.1). */
export function postprocess(
  layout: TokenLayout,
  tokens: ArrayLike<number>,
  outHeight: number,
  outWidth: number = outHeight,
): PostProcessed {
  const patch = patchRelevance(layout, tokens)
  const heatmap = upsampleBilinear(patch, layout.gridRows, layout.gridCols, outHeight, outWidth)
  return { patch, heatmap, width: outWidth, height: outHeight }
}
