/**
 * Brute-force hidden attention (ALGORITHMS.md §2.1) for tests: per channel, triple loop with the
 * EXPLICIT product Π_{k=j+1}^{i} exp(Δ_k[e]·A[e,n]) (as the official `compute_attn_matrix_fn`),
 * then the channel mean. Returns `L×L` nested arrays in SCAN order.
 */
import type { AttentionFactors, Direction } from '../../../../main/core/attention/factors'

export function bruteMatrixScan(f: AttentionFactors, layer: number, dir: Direction): number[][] {
  const { tokens: L, channels: E, states: N } = f
  const blk = layer * 2 + dir
  const delta = (t: number, e: number): number => f.delta[(blk * L + t) * E + e]!
  const B = (t: number, n: number): number => f.B[(blk * L + t) * N + n]!
  const C = (t: number, n: number): number => f.C[(blk * L + t) * N + n]!
  const A = (e: number, n: number): number => f.A[(blk * E + e) * N + n]!
  const out = Array.from({ length: L }, () => new Array<number>(L).fill(0))
  for (let e = 0; e < E; e++) {
    for (let i = 0; i < L; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0
        for (let n = 0; n < N; n++) {
          let prod = 1
          for (let k = i; k > j; k--) prod *= Math.exp(delta(k, e) * A(e, n))
          s += C(i, n) * prod * delta(j, e) * B(j, n)
        }
        out[i]![j]! += s / E
      }
    }
  }
  return out
}

/** Scan-order matrix → original order (direction 1 flipped on both axes, like `attn_bwd_flipped`). */
export function toOriginalOrder(scan: number[][], dir: Direction): number[][] {
  if (dir === 0) return scan
  const L = scan.length
  return Array.from({ length: L }, (_, i) => Array.from({ length: L }, (_, j) => scan[L - 1 - i]![L - 1 - j]!))
}

/**
 * Sequential selective scan with u ≡ 1 (spec §1.6, Dskip = 0): returns mean_e y_t[e] in scan order.
 * By §2.1, y_i[e] = Σ_j α_e[i, j]·u_j[e], so this equals the row sums of the scan-order matrix.
 */
export function scanMeanOutputUnitInput(f: AttentionFactors, layer: number, dir: Direction): number[] {
  const { tokens: L, channels: E, states: N } = f
  const blk = layer * 2 + dir
  const h = new Float64Array(E * N)
  const y: number[] = []
  for (let t = 0; t < L; t++) {
    let mean = 0
    for (let e = 0; e < E; e++) {
      const d = f.delta[(blk * L + t) * E + e]!
      for (let n = 0; n < N; n++) {
        const abar = Math.exp(d * f.A[(blk * E + e) * N + n]!)
        h[e * N + n] = abar * h[e * N + n]! + d * f.B[(blk * L + t) * N + n]! * 1
        mean += f.C[(blk * L + t) * N + n]! * h[e * N + n]!
      }
    }
    y.push(mean / E)
  }
  return y
}

/** max |a − b| / max |b|. */
export function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0
  let den = 0
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!))
    den = Math.max(den, Math.abs(b[i]!))
  }
  return num / den
}
