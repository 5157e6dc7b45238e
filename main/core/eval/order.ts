/** Relevance orderings shared by the perturbation tests (pure). */

/**
 * Indices of `values` from most to least relevant (`descending`) or the reverse. Ties keep index
 * order in both directions, so the result is deterministic (torch.topk leaves tie order unspecified).
 */
export function relevanceOrder(values: ArrayLike<number>, descending: boolean): Int32Array {
  const idx = Array.from({ length: values.length }, (_, i) => i)
  idx.sort((a, b) => (descending ? values[b]! - values[a]! : values[a]! - values[b]!) || a - b)
  return Int32Array.from(idx)
}
