/**
 * Channel-mean hidden-attention ROW (what token i attends to) and COLUMN (who attends to token j) of
 * one layer and direction, from the factors (ALGORITHMS.md §2.1; docs/GRAPH_CONTRACT.md):
 *
 *   α_e[i,j] = Δ_j[e] · Σ_n C_i[n] · B_j[n] · Π_{k=j+1}^{i} exp(Δ_k[e]·A[e,n])   (j ≤ i, scan order)
 *
 * and the channel mean `(1/E) Σ_e α_e`. Results are in ORIGINAL token order (direction 1 is computed
 * in its reversed order and mapped back). Float64 throughout.
 *
 * Speed: per channel the decay products are RUNNING products from token i outwards (one `exp` per
 * (k, e, n), no `exp(S_i − S_j)` cancellation; `Ā ∈ (0, 1]` so the product only shrinks and cannot
 * overflow). A row and a column of the same token use disjoint `Ā_k` (k ≤ i vs k > i), so the fused
 * call costs `(L−1)·E·N` exps. `Δ` is transposed to channel-major once per call, and the `C_i·B_j`
 * products (shared by all channels) are precomputed. Scratch buffers are reused via {@link Scratch}.
 */
import { blockOffsets, toScanIndex, type AttentionFactors, type Direction } from './factors'
import { expNonPositive } from './fast-exp'

/** Reusable work buffers (one per worker; not thread-safe); grown lazily by {@link Scratch.fit}. */
export class Scratch {
  /** Δ of one (layer, direction), channel-major `[E][L]`. */
  deltaT = new Float64Array(0)
  /** `C_i ⊙ B_j` (row part) and `C_k ⊙ B_i` (column part), `[L][N]`. */
  weights = new Float64Array(0)
  /** Running decay products `Π Ā_k[e, n]`, `[N]`. */
  decay = new Float64Array(0)
  /** `A[e, :]` of the current channel, `[N]`. */
  aRow = new Float64Array(0)

  /** Ensures capacity for factors of these sizes. */
  fit(f: AttentionFactors): this {
    const { tokens: L, channels: E, states: N } = f
    if (this.deltaT.length < L * E) this.deltaT = new Float64Array(L * E)
    if (this.weights.length < L * N) this.weights = new Float64Array(L * N)
    if (this.decay.length < N) {
      this.decay = new Float64Array(N)
      this.aRow = new Float64Array(N)
    }
    return this
  }
}

/** Row and column of one token (original order, length `L` each). */
export interface RowColumn {
  readonly row: Float64Array
  readonly col: Float64Array
}

/**
 * Fused row + column of original token `token` for (layer, direction): `row[j]` = mean_e α_e[token, j],
 * `col[i]` = mean_e α_e[i, token], both indexed by ORIGINAL tokens (spec §2.1).
 */
export function attentionRowColumn(
  f: AttentionFactors,
  layer: number,
  direction: Direction,
  token: number,
  scratch: Scratch = new Scratch(),
): RowColumn {
  return compute(f, layer, direction, token, scratch, true, true)
}

function compute(
  f: AttentionFactors,
  layer: number,
  direction: Direction,
  token: number,
  scratch: Scratch,
  wantRow: boolean,
  wantCol: boolean,
): RowColumn {
  const off = blockOffsets(f, layer, direction)
  const i = toScanIndex(f, direction, token)
  const { tokens: L, channels: E, states: N, delta, B, C, A } = f
  const s = scratch.fit(f)
  const dT = s.deltaT
  const w = s.weights
  const P = s.decay
  const a = s.aRow
  for (let t = 0; t < L; t++) {
    const base = off.delta + t * E
    for (let e = 0; e < E; e++) dT[e * L + t] = delta[base + e]!
  }
  const rowScan = new Float64Array(L)
  const colScan = new Float64Array(L)
  // w[j] = C_i ⊙ B_j for j ≤ i (row), w[k] = C_k ⊙ B_i for k > i (column); index i itself serves both.
  const ci = off.bc + i * N
  for (let t = 0; t < L; t++) {
    const bt = off.bc + t * N
    for (let n = 0; n < N; n++) w[t * N + n] = t <= i ? C[ci + n]! * B[bt + n]! : C[bt + n]! * B[ci + n]!
  }
  for (let e = 0; e < E; e++) {
    const dRow = e * L
    for (let n = 0; n < N; n++) a[n] = A[off.a + e * N + n]!
    // Row: j from i down to 0; P = Π_{k=j+1}^{i} Ā_k.
    P.fill(1, 0, N)
    for (let j = wantRow ? i : -1; j >= 0; j--) {
      const dj = dT[dRow + j]!
      let acc = 0
      const wj = j * N
      for (let n = 0; n < N; n++) acc += w[wj + n]! * P[n]!
      rowScan[j] = rowScan[j]! + dj * acc
      if (j > 0) for (let n = 0; n < N; n++) P[n] = P[n]! * expNonPositive(dj * a[n]!)
    }
    // Column: k from i+1 up; P = Π_{m=i+1}^{k} Ā_m; factor Δ_i from the column token.
    const di = dT[dRow + i]!
    P.fill(1, 0, N)
    for (let k = wantCol ? i + 1 : L; k < L; k++) {
      const dk = dT[dRow + k]!
      let acc = 0
      const wk = k * N
      for (let n = 0; n < N; n++) {
        const p = P[n]! * expNonPositive(dk * a[n]!)
        P[n] = p
        acc += w[wk + n]! * p
      }
      colScan[k] = colScan[k]! + di * acc
    }
  }
  // The diagonal belongs to both; compute it once (the row loop) or here when only the column is wanted.
  if (!wantRow) {
    for (let e = 0; e < E; e++) {
      let acc = 0
      for (let n = 0; n < N; n++) acc += w[i * N + n]!
      rowScan[i] = rowScan[i]! + dT[e * L + i]! * acc
    }
  }
  colScan[i] = rowScan[i]!
  return { row: toOriginal(rowScan, direction, E), col: toOriginal(colScan, direction, E) }
}

/** Channel-mean row of `token` (what it attends to), original order (spec §2.1). */
export function attentionRow(
  f: AttentionFactors,
  layer: number,
  direction: Direction,
  token: number,
  scratch?: Scratch,
): Float64Array {
  return compute(f, layer, direction, token, scratch ?? new Scratch(), true, false).row
}

/** Channel-mean column of `token` (who attends to it), original order (spec §2.1). */
export function attentionColumn(
  f: AttentionFactors,
  layer: number,
  direction: Direction,
  token: number,
  scratch?: Scratch,
): Float64Array {
  return compute(f, layer, direction, token, scratch ?? new Scratch(), false, true).col
}

/** Divides by `E` and maps scan order back to original order (reverse for direction 1). */
function toOriginal(scan: Float64Array, direction: Direction, channels: number): Float64Array {
  const L = scan.length
  const out = new Float64Array(L)
  for (let t = 0; t < L; t++) out[direction === 0 ? t : L - 1 - t] = scan[t]! / channels
  return out
}
