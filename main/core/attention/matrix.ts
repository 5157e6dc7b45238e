/**
 * Full channel-mean hidden-attention matrices (ALGORITHMS.md §2.1–2.2), reference implementation in
 * the log form of docs/GRAPH_CONTRACT.md, float64:
 *
 *   S_t[e] = Σ_{k≤t} Δ_k[e]   (cumulative sum in float64)
 *   α_e[i,j] = Δ_j[e] · Σ_n C_i[n] · B_j[n] · exp(A[e,n]·(S_i[e] − S_j[e]))   for j ≤ i, else 0
 *   matrix[i,j] = (1/E) Σ_e α_e[i,j]
 *
 * O(L²·E·N) exps: meant as the reference and per-layer fallback (the lead's ONNX graph computes all
 * matrices fast). Returned row-major `L×L` in ORIGINAL token order: direction 0 is lower triangular;
 * direction 1 is flipped on both axes like the official `attn_bwd_flipped` (upper triangular, §2.2).
 */
import { blockOffsets, type AttentionFactors, type Direction } from './factors'

/** Channel-mean `L×L` matrix of (layer, direction), original order (spec §2.1–2.2). */
export function attentionMatrix(f: AttentionFactors, layer: number, direction: Direction): Float64Array {
  const off = blockOffsets(f, layer, direction)
  const { tokens: L, channels: E, states: N, delta, B, C, A } = f
  // cb[(i·L + j)·N + n] = C_i[n]·B_j[n] for j ≤ i (shared by every channel).
  const cb = new Float64Array(L * L * N)
  for (let i = 0; i < L; i++) {
    for (let j = 0; j <= i; j++) {
      for (let n = 0; n < N; n++) cb[(i * L + j) * N + n] = C[off.bc + i * N + n]! * B[off.bc + j * N + n]!
    }
  }
  const scan = new Float64Array(L * L)
  const S = new Float64Array(L)
  const d = new Float64Array(L)
  const a = new Float64Array(N)
  for (let e = 0; e < E; e++) {
    let acc = 0
    for (let t = 0; t < L; t++) {
      d[t] = delta[off.delta + t * E + e]!
      acc += d[t]!
      S[t] = acc
    }
    for (let n = 0; n < N; n++) a[n] = A[off.a + e * N + n]!
    for (let i = 0; i < L; i++) {
      for (let j = 0; j <= i; j++) {
        const gap = S[i]! - S[j]!
        const base = (i * L + j) * N
        let sum = 0
        for (let n = 0; n < N; n++) sum += cb[base + n]! * Math.exp(a[n]! * gap)
        scan[i * L + j] = scan[i * L + j]! + d[j]! * sum
      }
    }
  }
  const out = new Float64Array(L * L)
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < L; j++) {
      const v = scan[i * L + j]! / E
      if (direction === 0) out[i * L + j] = v
      else out[(L - 1 - i) * L + (L - 1 - j)] = v
    }
  }
  return out
}

/**
 * Bidirectional matrix of a layer: the SUM of the forward matrix and the flipped backward matrix
 * (spec §2.2, paper "combining the two maps"); the diagonal holds both self terms.
 */
export function bidirectionalMatrix(f: AttentionFactors, layer: number): Float64Array {
  const fwd = attentionMatrix(f, layer, 0)
  const bwd = attentionMatrix(f, layer, 1)
  for (let k = 0; k < fwd.length; k++) fwd[k] = fwd[k]! + bwd[k]!
  return fwd
}
