// @vitest-environment node
/**
 * The exporter's matrices graph (a real one: chunks of 4 tokens, L = 20, E = 8, N = 4, built by
 * `PYTHONPATH=models/tools python3 -c "import onnx; from vimlens.graph.matrices import build_matrices;
 * onnx.save(build_matrices(20, 8, 4, chunk=4), 'test/fixtures/graphs/matrices-L20-E8-N4-c4.onnx')"`)
 * against the float64 TypeScript reference, with decays inside and beyond its float64 range: the columns
 * that range-repair.ts flags are exactly the ones it needs, and after the repair the piece is exact.
 */
import { fileURLToPath } from 'node:url'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import type { AttentionFactors } from '../../../main/core/attention/factors'
import { attentionMatrix } from '../../../main/core/attention/matrix'
import { rangeUnsafeColumns, repairColumns } from '../../../main/core/attention/range-repair'

const graph = fileURLToPath(new URL('../../fixtures/graphs/matrices-L20-E8-N4-c4.onnx', import.meta.url))
const L = 20, E = 8, N = 4, CHUNK = 4

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

/** The graph's piece in the worker's layout: [2, L, L], original order (direction 1 flipped). */
async function graphPiece(f: AttentionFactors): Promise<Float32Array> {
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
  return piece
}

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
    expect([rangeUnsafeColumns(f, 0, 0, CHUNK), rangeUnsafeColumns(f, 0, 1, CHUNK)]).toEqual([[], []])
    expect(worstColumnError(await graphPiece(f), reference(f))).toBeLessThan(1e-5)
  })

  it('flags and repairs columns beyond the float64 range of a chunk', async () => {
    // Direction 0: token 6 decays by exp(−12·60) = exp(−720) from its chunk start 4: columns 6 and 7 are
    // not finite. Direction 1 (scan order): token 9 decays by exp(−660) within [8, 12) — still finite, but
    // columns 9–11 pass the bound; token 16 opens a chunk (its own decay counts from there: no column).
    const f = factors({ '0:6': 60, '1:9': 55, '1:16': 65 })
    const piece = await graphPiece(f)
    const ref = reference(f)
    expect(worstColumnError(piece, ref)).toBeGreaterThan(1e-3)   // the graph alone is wrong here
    expect(rangeUnsafeColumns(f, 0, 0, CHUNK)).toEqual([6, 7])
    expect(rangeUnsafeColumns(f, 0, 1, CHUNK)).toEqual([11, 10, 9].map((j) => L - 1 - j))
    expect(repairColumns(piece, f, 0, CHUNK)).toBe(2 + 3)
    expect(worstColumnError(piece, ref)).toBeLessThan(1e-5)
  })
})
