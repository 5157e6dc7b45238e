/**
 * Range repair for the matrices graph (models/tools/vimlens/graph/matrices.py). Its diagonal blocks are
 * formed in float64 from u_t = exp(A·(S_t − S_m)) and Δ_t/u_t, relative to the middle token m of each
 * chunk, and the graph reports, per token, the largest |exponent| of those factors (its `range` output:
 * max_e max_n |A[e,n]|·|S_t − S_m|). Up to {@link SAFE_RANGE} every factor lies in [e^−610, e^600]:
 * nothing overflows or flushes to zero, and the token's entries are exact. Past it, the entries of its
 * row and column inside its chunk may be lost or non-finite (overflow near e^709, flush to zero near
 * e^−708); no other entry depends on its factors (the off-diagonal blocks are float32 products of
 * decays ≤ 1, which only lose terms below float32 resolution).
 *
 * {@link repairRange} recomputes the row and column of each such token with the running-product form of
 * row-col.ts, which cannot overflow. Measured ranges: Vim-T's conformance checkpoint up to 258; the
 * default BUS-BRA model up to 521 over 21 real images (test/bench/range-busbra.ts), so repairs are rare.
 */
import type { AttentionFactors, Direction } from './factors'
import { attentionRowColumn, Scratch } from './row-col'

/** Largest factor exponent magnitude the graph's entries are exact for; see above. */
export const SAFE_RANGE = 600

/** Original-order tokens of `direction` whose range (`range`: [L], scan order) passes {@link SAFE_RANGE}. */
export function rangeUnsafeTokens(range: Float32Array, direction: Direction): number[] {
  const L = range.length
  const out: number[] = []
  for (let t = 0; t < L; t++) if (!(range[t]! <= SAFE_RANGE)) out.push(direction === 0 ? t : L - 1 - t)   // NaN counts as unsafe
  return out.sort((x, y) => x - y)
}

/**
 * Recomputes, in `piece` (`[2, L, L]`, original order, direction 0 then 1), the row and column of every
 * token whose `range` (`[2, L]`, the graph's output, scan order) passes {@link SAFE_RANGE}. `factors` is
 * called only when some token needs it. Returns how many tokens were recomputed.
 */
export function repairRange(piece: Float32Array, range: Float32Array, factors: () => AttentionFactors, layer: number): number {
  const L = range.length / 2
  const unsafe = ([0, 1] as const).map((d) => rangeUnsafeTokens(range.subarray(d * L, (d + 1) * L), d))
  if (unsafe[0]!.length + unsafe[1]!.length === 0) return 0
  const f = factors()
  const scratch = new Scratch()
  for (const direction of [0, 1] as const) {
    const base = direction * L * L
    for (const token of unsafe[direction]!) {
      const { row, col } = attentionRowColumn(f, layer, direction, token, scratch)
      for (let j = 0; j < L; j++) piece[base + token * L + j] = row[j]!
      for (let i = 0; i < L; i++) piece[base + i * L + token] = col[i]!
    }
  }
  return unsafe[0]!.length + unsafe[1]!.length
}
