// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { attentionFactors, attentionFactorsFromTaps, type Direction } from '../../../../main/core/attention/factors'
import { Scratch, attentionColumn, attentionRow, attentionRowColumn } from '../../../../main/core/attention/row-col'
import { attentionMatrix } from '../../../../main/core/attention/matrix'
import { normalRng, syntheticModel, syntheticTaps } from '../explain/synthetic'
import { bruteMatrixScan, toOriginalOrder, rel } from './brute-force'

const taps = syntheticTaps(syntheticModel(31))
const f = attentionFactorsFromTaps(taps)
const L = f.tokens
const dirs: Direction[] = [0, 1]

describe('rows and columns (spec §2.1)', () => {
  it.each(dirs.map((d) => [d]))('dir %i: rows and columns of every token == brute force, original order', (dir) => {
    const brute = toOriginalOrder(bruteMatrixScan(f, 2, dir), dir)
    const scratch = new Scratch()
    for (let t = 0; t < L; t++) {
      expect(rel(attentionRow(f, 2, dir, t, scratch), brute[t]!)).toBeLessThan(1e-12)
      expect(rel(attentionColumn(f, 2, dir, t, scratch), brute.map((r) => r[t]!))).toBeLessThan(1e-12)
    }
  })

  it('row i of the matrix == row function, column j == column function (fused call too)', () => {
    for (const dir of dirs) {
      const m = attentionMatrix(f, 3, dir)
      for (const t of [0, 7, taps.layout.clsIndex, L - 1]) {
        const rc = attentionRowColumn(f, 3, dir, t)
        expect(rel(rc.row, m.subarray(t * L, t * L + L))).toBeLessThan(1e-12)
        expect(rel(rc.col, Array.from({ length: L }, (_, i) => m[i * L + t]!))).toBeLessThan(1e-12)
      }
    }
  })

  it('log form (matrix) and running products (rows) agree on long sequences with large Δ', () => {
    const rnd = normalRng(5)
    const [Lb, E, N] = [60, 6, 16]
    const mk = (n: number, g: () => number): Float32Array => Float32Array.from({ length: n }, g)
    const big = attentionFactors({
      delta: { data: mk(2 * Lb * E, () => Math.abs(rnd()) * 3), shape: [1, 2, Lb, E] },
      B: { data: mk(2 * Lb * N, rnd), shape: [1, 2, Lb, N] },
      C: { data: mk(2 * Lb * N, rnd), shape: [1, 2, Lb, N] },
      A: { data: mk(2 * E * N, () => -Math.exp(rnd() - 2)), shape: [1, 2, E, N] },
    })
    const m = attentionMatrix(big, 0, 1)
    for (const t of [0, 30, 59]) expect(rel(attentionRow(big, 0, 1, t), m.subarray(t * Lb, t * Lb + Lb))).toBeLessThan(1e-11)
  })

  it('does not mutate the factors and reuses scratch across sizes', () => {
    const before = Array.from(f.delta)
    const scratch = new Scratch()
    const a = attentionRow(f, 0, 0, 9, scratch)
    const tiny = attentionFactors({
      delta: { data: new Float32Array(2 * 3 * 2).fill(0.5), shape: [1, 2, 3, 2] },
      B: { data: new Float32Array(2 * 3 * 1).fill(1), shape: [1, 2, 3, 1] },
      C: { data: new Float32Array(2 * 3 * 1).fill(1), shape: [1, 2, 3, 1] },
      A: { data: new Float32Array(2 * 2 * 1).fill(-1), shape: [1, 2, 2, 1] },
    })
    // Hand value: α[2,0] = Δ·exp(−(Δ+Δ)) = 0.5·e^{−1}; α[2,2] = 0.5.
    const r = attentionRow(tiny, 0, 0, 2, scratch)
    expect(r[0]).toBeCloseTo(0.5 * Math.exp(-1), 15)
    expect(r[1]).toBeCloseTo(0.5 * Math.exp(-0.5), 15)
    expect(r[2]).toBeCloseTo(0.5, 15)
    expect(attentionRow(f, 0, 0, 9, scratch)).toEqual(a)
    expect(Array.from(f.delta)).toEqual(before)
  })
})
