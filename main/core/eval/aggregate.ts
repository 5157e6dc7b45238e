/** Means over images that skip undefined values (NaN) and say how many entered (pure). */

/** Mean of the finite values and their count `n` (NaN with n = 0 when none). */
export function finiteMean(values: readonly number[]): { mean: number; n: number } {
  let s = 0
  let n = 0
  for (const v of values) {
    if (Number.isFinite(v)) {
      s += v
      n++
    }
  }
  return { mean: n === 0 ? Number.NaN : s / n, n }
}

/** Element-wise mean of equally long curves (e.g. per-step accuracies over images). */
export function meanCurve(curves: readonly (readonly number[])[]): number[] {
  if (curves.length === 0) return []
  const out = new Array<number>(curves[0]!.length).fill(0)
  for (const c of curves) c.forEach((v, i) => { out[i] = out[i]! + v })
  return out.map((v) => v / curves.length)
}
