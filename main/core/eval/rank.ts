/**
 * Rank statistics of the evaluation (pure, float64): average ranks with ties, Spearman's ρ, ROC AUC
 * as the Mann–Whitney statistic, and average precision exactly as sklearn's
 * `average_precision_score` (step-wise, no interpolation; ALGORITHMS.md §4.2 mAP).
 */

/** 1-based ranks, ties get the average of the ranks they span; non-finite values rank lowest. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length
  // Non-finite values (a degenerate map) rank lowest instead of poisoning the sort.
  const v = (i: number): number => (Number.isFinite(values[i]!) ? values[i]! : -Infinity)
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => v(a) - v(b))
  const ranks = new Float64Array(n)
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && v(idx[j + 1]!) === v(idx[i]!)) j++
    for (let k = i; k <= j; k++) ranks[idx[k]!] = (i + j) / 2 + 1
    i = j + 1
  }
  return ranks
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]! }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma
    const db = b[i]! - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  // A constant vector has no rank order: the correlation is undefined (NaN), not 0.
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb)
}

/** Spearman's rank correlation (Pearson of average ranks); NaN when either vector is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) throw new RangeError('spearman needs two vectors of the same length >= 2')
  return pearson(averageRanks(a), averageRanks(b))
}

/** ROC AUC of `scores` for binary `labels` (1 = positive), ties count ½; NaN without both classes. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const ranks = averageRanks(scores)
  let nPos = 0
  let sumPos = 0
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      nPos++
      sumPos += ranks[i]!
    }
  }
  const nNeg = labels.length - nPos
  if (nPos === 0 || nNeg === 0) return Number.NaN
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)
}

/**
 * sklearn `average_precision_score` for one binary problem: `Σ_n (R_n − R_{n−1})·P_n` over the
 * distinct score thresholds, highest first. NaN when there is no positive (sklearn warns and
 * returns NaN-like 0/0; §4.2 then sets NaN → 0, which the caller does).
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!)
  let totalPos = 0
  for (let i = 0; i < n; i++) if (labels[i] === 1) totalPos++
  if (totalPos === 0) return Number.NaN
  let tp = 0
  let fp = 0
  let prevRecall = 0
  let ap = 0
  for (let i = 0; i < n;) {
    let j = i
    // All entries with the same score form one threshold.
    while (j < n && scores[idx[j]!]! === scores[idx[i]!]!) {
      if (labels[idx[j]!] === 1) tp++
      else fp++
      j++
    }
    const recall = tp / totalPos
    ap += (recall - prevRecall) * (tp / (tp + fp))
    prevRecall = recall
    i = j
  }
  return ap
}
