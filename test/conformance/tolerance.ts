/** The conformance metric of ../shared/conformance/README.md: max |ours − golden| / max |golden|. */
export function relErr(ours: ArrayLike<number>, golden: ArrayLike<number>): number {
  if (ours.length !== golden.length) throw new Error(`length ${ours.length} ≠ golden ${golden.length}`)
  let num = 0
  let den = 0
  for (let i = 0; i < golden.length; i++) {
    const d = Math.abs(ours[i]! - golden[i]!)
    num = Number.isNaN(d) ? Infinity : Math.max(num, d)
    den = Math.max(den, Math.abs(golden[i]!))
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : num / den
}

/** Channel mean of a `[E, L, L]` block starting at `offset` (golden full matrices) → `L×L`, float64. */
export function channelMean(data: Float32Array, offset: number, channels: number, size: number): Float64Array {
  const out = new Float64Array(size)
  for (let e = 0; e < channels; e++) {
    const base = offset + e * size
    for (let k = 0; k < size; k++) out[k] = out[k]! + data[base + k]!
  }
  for (let k = 0; k < size; k++) out[k] = out[k]! / channels
  return out
}
