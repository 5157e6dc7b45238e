/** Small float64 reductions over numeric vectors (spec §6: accumulate in float64). */

/** Sum in float64. */
export function sum(values: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < values.length; i++) s += values[i]!
  return s
}

/** Arithmetic mean (NaN for empty input). */
export function mean(values: ArrayLike<number>): number {
  return values.length === 0 ? Number.NaN : sum(values) / values.length
}

/** Largest absolute value (0 for empty input). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!)
    if (a > m || Number.isNaN(a)) m = a
  }
  return m
}

/** Index of the largest value (first one on ties; -1 for empty input). */
export function argmax(values: ArrayLike<number>): number {
  let best = -1
  let bestValue = -Infinity
  for (let i = 0; i < values.length; i++) {
    if (values[i]! > bestValue) {
      bestValue = values[i]!
      best = i
    }
  }
  return best
}

/** True when every element is a finite number. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false
  return true
}

/** Summary statistics of a vector, e.g. for logs and the UI legend. */
export interface Stats {
  readonly min: number
  readonly max: number
  readonly mean: number
  readonly std: number
}

/** Min, max, mean and population standard deviation in float64 (NaN fields for empty input). */
export function stats(values: ArrayLike<number>): Stats {
  const n = values.length
  if (n === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN, std: Number.NaN }
  let min = Infinity
  let max = -Infinity
  const m = mean(values)
  let ss = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    if (v < min) min = v
    if (v > max) max = v
    ss += (v - m) * (v - m)
  }
  return { min, max, mean: m, std: Math.sqrt(ss / n) }
}
