/** Top-k classes with softmax probabilities (float64, max-subtracted for stability). Pure. */
import type { ClassScore } from '../core/engine/api'

/** Softmax over all logits, then the `k` largest (ties: lower index first). */
export function topKSoftmax(logits: Float32Array, labels: readonly string[], k: number): ClassScore[] {
  let max = -Infinity
  for (const v of logits) if (v > max) max = v
  let sum = 0
  for (const v of logits) sum += Math.exp(v - max)
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b)
  return order.slice(0, Math.max(0, Math.min(k, logits.length))).map((index) => ({
    index,
    label: labels[index] ?? `class ${index}`,
    logit: logits[index]!,
    probability: Math.exp(logits[index]! - max) / sum,
  }))
}

/** Index of the largest logit (first on ties). */
export function argmaxOf(logits: Float32Array): number {
  let best = 0
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i
  return best
}
