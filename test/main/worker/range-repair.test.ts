// @vitest-environment node
/**
 * The exporter's matrices graph (a real one: chunks of 4 tokens, L = 20, E = 8, N = 4, built by
 * `PYTHONPATH=models/tools python3 -c "import onnx; from vimlens.graph.matrices import build_matrices;
 * onnx.save(build_matrices(20, 8, 4, chunk=4), 'test/fixtures/graphs/matrices-L20-E8-N4-c4.onnx')"`)
 * against the float64 TypeScript reference, with decays inside and beyond its float64 range: the tokens
 * whose reported range range-repair.ts flags are exactly the expected ones, and after their rows and
 * columns are recomputed the piece is exact.
 */
import { fileURLToPath } from 'node:url'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import type { AttentionFactors } from '../../../main/core/attention/factors'
import { attentionMatrix } from '../../../main/core/attention/matrix'
import { rangeUnsafeTokens, repairRange } from '../../../main/core/attention/range-repair'

const graph = fileURLToPath(new URL('../../fixtures/graphs/matrices-L20-E8-N4-c4.onnx', import.meta.url))
const L = 20, E = 8, N = 4

/** One layer's factors (both directions), deterministic; `big` sets Δ of (direction, scan token) for every channel. */
function factors(big: Record<string, number> = {}): AttentionFactors {
  let s = 7
  const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647)
  const delta = new Float32Array(2 * L * E).map(() => 0.05 + 0.5 * rnd())
  for (const [key, v] of Object.entries(big)) {
    const [d, t] = key.split(':').map(Number) as [number, number]
    for (let e = 0; e < E; e++) delta[(d * L + t) * E + e] = v
  }
  const B = new Float32Array(2 * L * N).map(() => rnd() * 2 - 1)
  const C = new Float32Array(2 * L * N).map(() => rnd() * 2 - 1)
  const A = new Float32Array(2 * E * N).map((_, i) => -(1 + (i % N)) * (1 + (i % 3)))   // |A| up to 12
  return { layers: 1, tokens: L, channels: E, states: N, delta, B, C, A }
}

/** The graph's piece in the worker's layout ([2, L, L], original order, direction 1 flipped) and its `range` output ([2, L], scan order). */
async function graphPiece(f: AttentionFactors): Promise<{ piece: Float32Array; range: Float32Array }> {
  const s = await ort.InferenceSession.create(graph, { extra: { session: { set_denormal_as_zero: '1' } } })
  const out = await s.run({
    delta: new ort.Tensor('float32', f.delta, [2, L, E]), B: new ort.Tensor('float32', f.B, [2, L, N]),
    C: new ort.Tensor('float32', f.C, [2, L, N]), A: new ort.Tensor('float32', f.A, [2, E, N]),
  })
  await s.release()
  const m = out['matrices']!.data as Float32Array
  const piece = new Float32Array(2 * L * L)
  piece.set(m.subarray(0, L * L))
  for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) piece[L * L + (L - 1 - i) * L + (L - 1 - j)] = m[L * L + i * L + j]!
  return { piece, range: out['range']!.data as Float32Array }
}

/** Tokens (original order) of `direction` whose range the graph reports beyond the safe bound. */
const flagged = (range: Float32Array, direction: 0 | 1): number[] => rangeUnsafeTokens(range.subarray(direction * L, (direction + 1) * L), direction)

function reference(f: AttentionFactors): Float64Array {
  const r = new Float64Array(2 * L * L)
  r.set(attentionMatrix(f, 0, 0))
  r.set(attentionMatrix(f, 0, 1), L * L)
  return r
}

/** Largest |piece − ref| relative to the largest |ref| of the same column (NaN counts as infinitely wrong). */
function worstColumnError(piece: Float32Array, ref: Float64Array): number {
  let worst = 0
  for (let d = 0; d < 2; d++) {
    for (let j = 0; j < L; j++) {
      let scale = 1e-30, err = 0
      for (let i = 0; i < L; i++) scale = Math.max(scale, Math.abs(ref[d * L * L + i * L + j]!))
      for (let i = 0; i < L; i++) {
        const k = d * L * L + i * L + j
        err = Math.max(err, Number.isFinite(piece[k]!) ? Math.abs(piece[k]! - ref[k]!) : Infinity)
      }
      worst = Math.max(worst, err / scale)
    }
  }
  return worst
}

describe('matrices graph range and its repair', () => {
  it('needs no repair for ordinary decays and matches the reference', async () => {
    const f = factors()
    const { piece, range } = await graphPiece(f)
    expect([flagged(range, 0), flagged(range, 1)]).toEqual([[], []])
    expect(Math.max(...range)).toBeLessThan(100)
    expect(repairRange(piece, range, () => { throw new Error('factors are not needed') }, 0)).toBe(0)
    expect(worstColumnError(piece, reference(f))).toBeLessThan(1e-5)
  })

  it('flags and repairs the tokens beyond the float64 range of a chunk', async () => {
    // Chunks of 4 use their third token as reference (r + 2), |A| ≤ 12.
    // Direction 0, chunk [4, 8), reference 6: Δ_6 = 60 puts tokens 4 and 5 at ≥ 12·60 = 720 from it
    // (their factors overflow: the graph alone is not finite there). Direction 1 (scan order), chunk
    // [8, 12), reference 10: Δ_9 = 55 puts token 8 at ≥ 660 (finite, but past the bound). Scan token 16
    // opens chunk [16, 20): its own Δ = 65 is a decay from the previous chunk (float32 blocks): no flag.
    const f = factors({ '0:6': 60, '1:9': 55, '1:16': 65 })
    const { piece, range } = await graphPiece(f)
    const ref = reference(f)
    expect(worstColumnError(piece, ref)).toBeGreaterThan(1e-3)   // the graph alone is wrong here
    expect(flagged(range, 0)).toEqual([4, 5])
    expect(flagged(range, 1)).toEqual([L - 1 - 8])
    expect(repairRange(piece, range, () => f, 0)).toBe(2 + 1)
    expect(worstColumnError(piece, ref)).toBeLessThan(1e-5)
    expect(worstColumnError(transposed(piece), transposed(ref))).toBeLessThan(1e-5)   // rows too
  })
})

/** Both [L, L] matrices of a piece transposed (rows become columns). */
function transposed<T extends Float32Array | Float64Array>(a: T): T {
  const out = a.slice() as T
  for (let d = 0; d < 2; d++) for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) out[d * L * L + j * L + i] = a[d * L * L + i * L + j]!
  return out
}
