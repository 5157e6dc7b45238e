/**
 * Gaussian statistics of feature vectors for the domain guard: class means, a shared (tied) covariance with
 * shrinkage, and its whitening matrix W = L⁻¹ (Σ = L·Lᵀ, Cholesky), so that the Mahalanobis distance is
 * ‖W·(x − μ)‖ (Lee et al. 2018, "A simple unified framework for detecting out-of-distribution samples").
 * Float64 throughout; matrices are row-major.
 */

/** Statistics of features: one mean per class (or one overall) and the whitening of the tied covariance. */
export interface FeatureGaussian {
  readonly dim: number
  readonly means: readonly Float64Array[]
  /** Lower-triangular W = L⁻¹, row-major dim × dim. */
  readonly whitening: Float64Array
}

/** Mean of rows (n × dim). */
export function meanOf(rows: readonly ArrayLike<number>[], dim: number): Float64Array {
  const m = new Float64Array(dim)
  for (const r of rows) for (let j = 0; j < dim; j++) m[j]! += r[j]!
  for (let j = 0; j < dim; j++) m[j]! /= Math.max(1, rows.length)
  return m
}

/**
 * Tied covariance of rows around their class means (maximum-likelihood, divided by n), shrunk towards a
 * multiple of the identity: Σ' = (1 − λ)·Σ + λ·(tr Σ / dim)·I. Shrinkage keeps Σ' well conditioned when n is
 * not much larger than dim (1114 training images for 192 features here).
 */
export function tiedCovariance(rows: readonly ArrayLike<number>[], labels: readonly number[], means: readonly Float64Array[], shrinkage: number): Float64Array {
  const dim = means[0]!.length
  const cov = new Float64Array(dim * dim)
  const d = new Float64Array(dim)
  rows.forEach((r, k) => {
    const mu = means[labels[k]!]!
    for (let j = 0; j < dim; j++) d[j] = r[j]! - mu[j]!
    for (let i = 0; i < dim; i++) {
      const di = d[i]!
      for (let j = 0; j <= i; j++) cov[i * dim + j]! += di * d[j]!
    }
  })
  const n = Math.max(1, rows.length)
  let trace = 0
  for (let i = 0; i < dim; i++) trace += cov[i * dim + i]! / n
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      const v = (1 - shrinkage) * (cov[i * dim + j]! / n) + (i === j ? (shrinkage * trace) / dim : 0)
      cov[i * dim + j] = v
      cov[j * dim + i] = v
    }
  }
  return cov
}

/** Cholesky factor L (lower, row-major) of a symmetric positive-definite matrix; throws when it is not. */
export function cholesky(a: Float64Array, dim: number): Float64Array {
  const l = new Float64Array(dim * dim)
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * dim + j]!
      for (let k = 0; k < j; k++) s -= l[i * dim + k]! * l[j * dim + k]!
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix is not positive definite (pivot ${i}: ${s})`)
        l[i * dim + i] = Math.sqrt(s)
      } else {
        l[i * dim + j] = s / l[j * dim + j]!
      }
    }
  }
  return l
}

/** Inverse of a lower-triangular matrix (forward substitution per column). */
export function invertLower(l: Float64Array, dim: number): Float64Array {
  const w = new Float64Array(dim * dim)
  for (let c = 0; c < dim; c++) {
    for (let i = c; i < dim; i++) {
      let s = i === c ? 1 : 0
      for (let k = c; k < i; k++) s -= l[i * dim + k]! * w[k * dim + c]!
      w[i * dim + c] = s / l[i * dim + i]!
    }
  }
  return w
}

/** Class means and the whitening of the shrunk tied covariance of labelled feature rows. */
export function fitGaussian(rows: readonly ArrayLike<number>[], labels: readonly number[], classes: number, shrinkage: number): FeatureGaussian {
  const dim = rows[0]?.length ?? 0
  const means = Array.from({ length: classes }, (_, c) => meanOf(rows.filter((_, k) => labels[k] === c), dim))
  const cov = tiedCovariance(rows, labels, means, shrinkage)
  return { dim, means, whitening: invertLower(cholesky(cov, dim), dim) }
}

/** Mahalanobis distance to the nearest class mean: min_c ‖W·(x − μ_c)‖. */
export function mahalanobis(x: ArrayLike<number>, g: FeatureGaussian): number {
  const { dim, whitening: w } = g
  if (x.length !== dim) throw new Error(`feature length ${x.length} does not match the statistics (${dim})`)
  let best = Infinity
  const d = new Float64Array(dim)
  for (const mu of g.means) {
    for (let j = 0; j < dim; j++) d[j] = x[j]! - mu[j]!
    let sq = 0
    for (let i = 0; i < dim; i++) {
      let s = 0
      for (let k = 0; k <= i; k++) s += w[i * dim + k]! * d[k]!
      sq += s * s
    }
    best = Math.min(best, sq)
  }
  return Math.sqrt(best)
}

/** Free energy of the logits, −log Σ exp(z) (Liu et al. 2020): higher means less like the training data. */
export function energy(logits: ArrayLike<number>): number {
  let max = -Infinity
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!)
  let s = 0
  for (let i = 0; i < logits.length; i++) s += Math.exp(logits[i]! - max)
  return -(max + Math.log(s))
}

/** Value at quantile q (0..1) of `values`, linear interpolation between order statistics (numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const pos = q * (s.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(s.length - 1, lo + 1)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}
