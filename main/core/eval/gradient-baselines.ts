/**
 * Integrated gradients and SmoothGrad (pure parts). Both need several graph runs per image, which the
 * app's one-run-per-request engine does not do yet, so they are evaluation-only methods: the adapter runs
 * the `--input-gradient` explainer on the inputs built here and hands back each run's `grad_image`.
 *
 * - Integrated gradients (Sundararajan et al. 2017): baseline x' = black (0 before normalisation, as the
 *   §4.1 test erases), m midpoint steps α_k = (k + ½)/m; per pixel (x − x')·mean_k ∂T/∂x(x' + α_k(x − x')),
 *   summed over each patch's pixels and channels.
 * - SmoothGrad (Smilkov et al. 2017): n inputs x + ε, ε ~ N(0, σ²), σ = 0.15·(max x − min x), seeded per
 *   image; per pixel mean_k |∂T/∂x(x + ε_k)| summed over channels, then over each patch's pixels.
 */
import { insertCls, type TokenLayout } from '../layout'
import { mulberry32 } from '../tensor/prng'
import type { Normalisation, PatchGrid } from './perturbation'

export const INTEGRATED_GRADIENTS_ID = 'integrated-gradients'
export const SMOOTHGRAD_ID = 'smoothgrad'
export const MULTI_RUN_IDS = [INTEGRATED_GRADIENTS_ID, SMOOTHGRAD_ID] as const

/** Steps / samples per image and class (kept small: CPU budget, docs/eval). */
export const IG_STEPS = 8
export const SMOOTHGRAD_SAMPLES = 8
const SMOOTHGRAD_NOISE = 0.15

/** The black baseline in normalised space. */
export function blackImage(size: number, norm: Normalisation): Float32Array {
  const out = new Float32Array(size)
  const plane = size / 3
  for (let c = 0; c < 3; c++) out.fill(-norm.mean[c]! / norm.std[c]!, c * plane, (c + 1) * plane)
  return out
}

/** The m interpolated IG inputs between the black baseline and `x`. */
export function integratedGradientInputs(x: Float32Array, norm: Normalisation, steps = IG_STEPS): Float32Array[] {
  const base = blackImage(x.length, norm)
  return Array.from({ length: steps }, (_, k) => {
    const a = (k + 0.5) / steps
    return Float32Array.from(x, (v, i) => base[i]! + a * (v - base[i]!))
  })
}

/** The n noisy SmoothGrad inputs (Box–Muller on a seeded generator). */
export function smoothGradInputs(x: Float32Array, seed: number, samples = SMOOTHGRAD_SAMPLES): Float32Array[] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of x) { lo = Math.min(lo, v); hi = Math.max(hi, v) }
  const sigma = SMOOTHGRAD_NOISE * (hi - lo)
  const next = mulberry32(seed)
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  return Array.from({ length: samples }, () => Float32Array.from(x, (v) => v + sigma * gauss()))
}

/** Sums a [3, H, W] pixel map into row-major patches. */
function patchSums(pixels: Float64Array, grid: PatchGrid): Float64Array {
  const w = grid.cols * grid.patchSize
  const plane = w * grid.rows * grid.patchSize
  const out = new Float64Array(grid.rows * grid.cols)
  for (let i = 0; i < pixels.length; i++) {
    const j = i % plane
    out[Math.floor(Math.floor(j / w) / grid.patchSize) * grid.cols + Math.floor((j % w) / grid.patchSize)]! += pixels[i]!
  }
  return out
}

/** IG token relevance from the `grad_image` of each interpolated input. */
export function integratedGradients(x: Float32Array, grads: readonly Float32Array[], norm: Normalisation, grid: PatchGrid, layout: TokenLayout): Float64Array {
  const base = blackImage(x.length, norm)
  const px = new Float64Array(x.length)
  for (const g of grads) for (let i = 0; i < px.length; i++) px[i]! += g[i]!
  for (let i = 0; i < px.length; i++) px[i] = ((x[i]! - base[i]!) * px[i]!) / grads.length
  return insertCls(layout, patchSums(px, grid))
}

/** SmoothGrad token relevance from the `grad_image` of each noisy input. */
export function smoothGrad(grads: readonly Float32Array[], grid: PatchGrid, layout: TokenLayout): Float64Array {
  const px = new Float64Array(grads[0]!.length)
  for (const g of grads) for (let i = 0; i < px.length; i++) px[i]! += Math.abs(g[i]!) / grads.length
  return insertCls(layout, patchSums(px, grid))
}
