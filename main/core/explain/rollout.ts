/**
 * Official rollout over per-layer CLS VECTORS (ALGORITHMS.md §3.1, [S-20]).
 *
 * Quirk: the official `compute_rollout_attention` receives `(1, L)` vectors, so `I + r_l` broadcasts
 * the vector to every row; rows are normalised, giving `M_l = (I + 1·r_lᵀ)/(1 + Σ r_l)`, and
 * `ρ = (M_e · … · M_s)[c*, :]`. Only the CLS row is needed, hence the O(L) closed form
 * `p ← e_c*; for l = e down to s: p ← (p + (Σp)·r_l)/(1 + Σ r_l)`.
 */
import { AppError } from '../errors'
import { allFinite } from '../tensor/stats'
import type { TokenRelevance } from './method'

function checkVectors(vectors: readonly ArrayLike<number>[], clsIndex: number): number {
  const first = vectors[0]
  if (first === undefined) throw new AppError('explain/layer-range', { detail: { reason: 'no layers' } })
  const n = first.length
  if (vectors.some((v) => v.length !== n) || !Number.isInteger(clsIndex) || clsIndex < 0 || clsIndex >= n) {
    throw new AppError('explain/tap-shape', { detail: { reason: 'rollout vectors', clsIndex } })
  }
  return n
}

/**
 * Closed form of the official rollout (§3.1). `vectors[k]` is the vector of the k-th layer of the
 * range, in INCREASING layer order; returns the CLS row `ρ` (length `L`, float64).
 *
 * Quirk: the official code does not guard `1 + Σ r_l ≈ 0` (possible with signed Mamba-Rollout
 * vectors, §3.3). We keep its arithmetic; a non-finite result is replaced by zeros with
 * `degenerate: true` (spec §5.11 spirit).
 */
export function rolloutClosedForm(vectors: readonly ArrayLike<number>[], clsIndex: number): TokenRelevance {
  const n = checkVectors(vectors, clsIndex)
  let p = new Float64Array(n)
  const next = new Float64Array(n)
  p[clsIndex] = 1
  for (let k = vectors.length - 1; k >= 0; k--) {
    const r = vectors[k]!
    let sumP = 0
    let sumR = 0
    for (let j = 0; j < n; j++) {
      sumP += p[j]!
      sumR += r[j]!
    }
    const denom = 1 + sumR
    for (let j = 0; j < n; j++) next[j] = (p[j]! + sumP * r[j]!) / denom
    p.set(next)
  }
  if (!allFinite(p)) {
    p = new Float64Array(n)
    return { tokens: p, degenerate: true }
  }
  return { tokens: p, degenerate: false }
}

/**
 * The official rollout with explicit `L×L` matrices, multiplied as the official loop does
 * (`joint = M_s; joint = M_i · joint` for i = s+1..e), CLS row returned. O(k·L³):
 * reference for tests only (ALGORITHMS.md §3.1, `checks/verify_rollout.py`).
 */
export function rolloutByMatrixProduct(vectors: readonly ArrayLike<number>[], clsIndex: number): Float64Array {
  const n = checkVectors(vectors, clsIndex)
  const matrix = (r: ArrayLike<number>): Float64Array => {
    const m = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      let rowSum = 0
      for (let j = 0; j < n; j++) {
        const v = r[j]! + (i === j ? 1 : 0)
        m[i * n + j] = v
        rowSum += v
      }
      for (let j = 0; j < n; j++) m[i * n + j] = m[i * n + j]! / rowSum
    }
    return m
  }
  let joint = matrix(vectors[0]!)
  for (let k = 1; k < vectors.length; k++) {
    const m = matrix(vectors[k]!)
    const out = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < n; t++) {
        const a = m[i * n + t]!
        for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + a * joint[t * n + j]!
      }
    }
    joint = out
  }
  return joint.slice(clsIndex * n, clsIndex * n + n)
}
