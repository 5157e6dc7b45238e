/**
 * Min-max helpers. Spec ALGORITHMS.md §0 defines `minmax(T) = (T − min T)/(max T − min T)` over all
 * elements with no epsilon; §5.11: when `max == min` the app returns zeros and flags it instead of NaN.
 */

/** Extremes of a vector; `degenerate` when `max == min` (incl. empty or non-finite input). */
export interface MinMax {
  readonly min: number
  readonly max: number
  readonly degenerate: boolean
}

/** Min and max over all elements. Empty input gives `{min: NaN, max: NaN, degenerate: true}`. */
export function minMax(values: ArrayLike<number>): MinMax {
  if (values.length === 0) return { min: Number.NaN, max: Number.NaN, degenerate: true }
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v < min) min = v
    if (v > max) max = v
    if (Number.isNaN(v)) return { min: Number.NaN, max: Number.NaN, degenerate: true }
  }
  return { min, max, degenerate: !(max > min) || !Number.isFinite(max - min) }
}

/** A normalised vector plus the §5.11 flag. */
export interface Normalised {
  readonly values: Float64Array
  readonly degenerate: boolean
}

/**
 * `(v − min)/(max − min)` in float64 with externally given extremes (spec §3.2: the graph reports
 * min/max of the whole `(E, L)` array while the vector is its channel mean). Degenerate → zeros.
 */
export function normaliseWith(values: ArrayLike<number>, min: number, max: number): Normalised {
  const out = new Float64Array(values.length)
  const range = max - min
  if (!(range > 0) || !Number.isFinite(range)) return { values: out, degenerate: true }
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - min) / range
  return { values: out, degenerate: false }
}

/** `minmax` over the vector itself (spec §0); degenerate → zeros + flag (spec §5.11). */
export function minmaxNormalise(values: ArrayLike<number>): Normalised {
  const mm = minMax(values)
  if (mm.degenerate) return { values: new Float64Array(values.length), degenerate: true }
  return normaliseWith(values, mm.min, mm.max)
}
