/** Numerically stable softmax in float64 (pure). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let m = -Infinity
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i]!)
  const out = new Float64Array(logits.length)
  let s = 0
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - m)
    s += out[i]!
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / s
  return out
}
