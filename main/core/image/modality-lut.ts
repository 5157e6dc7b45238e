/**
 * Modality LUT: stored pixel values → modality units (DICOM PS3.3 C.11.1): either the linear Rescale
 * Slope/Intercept or a Modality LUT Sequence. Plus the value statistics the presets need.
 */
import type { LookupTable } from './scan-types'

/** Stored values (any integer typed array) → slope·v + intercept as float32. Does not mutate `stored`. */
export function applyRescale(stored: ArrayLike<number>, slope: number, intercept: number): Float32Array {
  const out = new Float32Array(stored.length)
  // Slope 1 / intercept 0 is the common case (MR, US, …): skip the multiply, keep exact integers.
  if (slope === 1 && intercept === 0) {
    for (let i = 0; i < stored.length; i++) out[i] = stored[i] as number
    return out
  }
  for (let i = 0; i < stored.length; i++) out[i] = (stored[i] as number) * slope + intercept
  return out
}

/**
 * Applies a Modality LUT Sequence item. Values outside the table take its first / last entry
 * (PS3.3 C.11.1.1: "input values outside the range of the LUT … shall be mapped to the first / last entry").
 */
export function applyModalityLut(stored: ArrayLike<number>, lut: LookupTable): Float32Array {
  const out = new Float32Array(stored.length)
  const n = lut.data.length
  if (n === 0) return out
  for (let i = 0; i < stored.length; i++) {
    const idx = Math.min(n - 1, Math.max(0, (stored[i] as number) - lut.firstMapped))
    out[i] = lut.data[idx] as number
  }
  return out
}

/** Minimum and maximum over finite values; {0, 0} for an empty or all-NaN array. */
export function valueRange(values: Float32Array): { min: number; max: number } {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v < min) min = v
    if (v > max) max = v
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 }
}

/**
 * Values at the given lower/upper quantiles, from a 4096-bin histogram (exact enough for a window preset and
 * linear in the pixel count, unlike a sort). Used for the robust "auto" window of X-rays, whose min-max
 * is often set by collimator edges or burnt-in labels.
 */
export function quantileRange(values: Float32Array, lowQ: number, highQ: number): { low: number; high: number } {
  const { min, max } = valueRange(values)
  if (max <= min) return { low: min, high: max }
  const bins = 4096
  const hist = new Uint32Array(bins)
  const scale = (bins - 1) / (max - min)
  let n = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (!Number.isFinite(v)) continue
    hist[Math.floor((v - min) * scale)]! += 1
    n++
  }
  const at = (q: number): number => {
    const target = q * n
    let acc = 0
    for (let b = 0; b < bins; b++) {
      acc += hist[b] as number
      if (acc >= target) return min + b / scale
    }
    return max
  }
  return { low: at(lowQ), high: at(highQ) }
}
