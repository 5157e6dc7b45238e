/**
 * Range repair for the chunked matrices graph (models/tools/vimlens/graph/matrices.py). Inside a chunk
 * of c tokens starting at r the graph forms, in float64, u_j = exp(A·(S_j − S_r)) and Δ_j·B_j/u_j. A
 * column j whose u_j passes exp(−708) in some channel gives non-finite entries there (or, within a few
 * units of that bound, finite ones that lack a factor up to e^−0.5). Every other loss of range is
 * harmless once u_j ≥ exp(−600) in all channels: an entry (i, j) the graph rounds to zero through a row
 * factor u_i < exp(−708), or through the step exp(A·(S_r' − S_r)) that carries the chunk's columns to the
 * next chunk start r', has a true decay exp(A·(S_i − S_j)) or exp(A·(S_r' − S_j)) below e^−108, far
 * below float32 resolution of its column.
 *
 * {@link rangeUnsafeColumns} finds the columns past exp(−600) from the factors alone (a cumulative sum
 * per channel: ≈75k additions per layer-direction for Vim-T); {@link repairColumns} recomputes them with
 * the running-product form of row-col.ts, which cannot overflow. Seen on the default BUS-BRA model: one
 * layer-direction of a synthetic input decays by exp(−766) within a 32-token chunk.
 */
import { blockOffsets, type AttentionFactors, type Direction } from './factors'
import { attentionColumn, Scratch } from './row-col'

/** Largest decay exponent magnitude from its chunk start that a column may have; see above. */
export const SAFE_COLUMN_DECAY = 600

/**
 * Original-order tokens whose column of (layer, direction) the graph with chunk size `chunk` may not
 * compute exactly: max_e (max_n |A[e,n]|)·(S_j − S_r)[e] > {@link SAFE_COLUMN_DECAY}, j in scan order,
 * r = ⌊j / chunk⌋·chunk.
 */
export function rangeUnsafeColumns(f: AttentionFactors, layer: number, direction: Direction, chunk: number): number[] {
  const off = blockOffsets(f, layer, direction)
  const { tokens: L, channels: E, states: N, delta, A } = f
  const span = new Float64Array(L)
  for (let e = 0; e < E; e++) {
    let a = 0
    for (let n = 0; n < N; n++) a = Math.max(a, Math.abs(A[off.a + e * N + n]!))
    let fromStart = 0
    for (let j = 0; j < L; j++) {
      // S_j − S_r sums Δ over r+1..j.
      fromStart = j % chunk === 0 ? 0 : fromStart + delta[off.delta + j * E + e]!
      span[j] = Math.max(span[j]!, a * fromStart)
    }
  }
  const out: number[] = []
  for (let j = 0; j < L; j++) if (span[j]! > SAFE_COLUMN_DECAY) out.push(direction === 0 ? j : L - 1 - j)
  return out.sort((x, y) => x - y)
}

/**
 * Recomputes, in `piece` (`[2, L, L]`, original order, direction 0 then 1), every column that
 * {@link rangeUnsafeColumns} flags. Returns how many columns were recomputed.
 */
export function repairColumns(piece: Float32Array, f: AttentionFactors, layer: number, chunk: number): number {
  const L = f.tokens
  const scratch = new Scratch()
  let repaired = 0
  for (const direction of [0, 1] as const) {
    for (const token of rangeUnsafeColumns(f, layer, direction, chunk)) {
      const col = attentionColumn(f, layer, direction, token, scratch)
      const base = direction * L * L
      for (let i = 0; i < L; i++) piece[base + i * L + token] = col[i]!
      repaired++
    }
  }
  return repaired
}
