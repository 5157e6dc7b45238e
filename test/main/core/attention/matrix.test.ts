// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { attentionFactorsFromTaps, type Direction } from '../../../../main/core/attention/factors'
import { attentionRow } from '../../../../main/core/attention/row-col'
import { attentionMatrix, bidirectionalMatrix } from '../../../../main/core/attention/matrix'
import { syntheticModel, syntheticTaps } from '../explain/synthetic'
import { bruteMatrixScan, scanMeanOutputUnitInput, toOriginalOrder, rel } from './brute-force'

const taps = syntheticTaps(syntheticModel(31))
const f = attentionFactorsFromTaps(taps)
const L = f.tokens
const dirs: Direction[] = [0, 1]

describe('matrix (spec §2.1–2.2)', () => {
  it.each([[0, 0], [0, 1], [5, 0], [5, 1]] as const)('layer %i dir %i: matrix == brute-force explicit products', (layer, dir) => {
    const want = toOriginalOrder(bruteMatrixScan(f, layer, dir), dir).flat()
    expect(rel(attentionMatrix(f, layer, dir), want)).toBeLessThan(1e-12)
  })

  it('forward is lower triangular, backward (flipped back) upper triangular, in original order', () => {
    const fwd = attentionMatrix(f, 1, 0)
    const bwd = attentionMatrix(f, 1, 1)
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < L; j++) {
        if (j > i) expect(fwd[i * L + j]).toBe(0)
        if (j < i) expect(bwd[i * L + j]).toBe(0)
      }
    }
    expect(Math.abs(fwd[(L - 1) * L]!)).toBeGreaterThan(0)
    expect(Math.abs(bwd[L - 1]!)).toBeGreaterThan(0)
    // Direction 1 row of the first token sees everything after it; its forward row only itself.
    expect(attentionRow(f, 1, 1, 0).filter((v) => v !== 0).length).toBe(L)
    expect(attentionRow(f, 1, 0, 0).filter((v) => v !== 0).length).toBe(1)
  })

  it('bidirectional matrix = forward + flipped backward (§2.2)', () => {
    const sum = bidirectionalMatrix(f, 4)
    const fwd = attentionMatrix(f, 4, 0)
    const bwd = attentionMatrix(f, 4, 1)
    for (let k = 0; k < sum.length; k++) expect(sum[k]).toBeCloseTo(fwd[k]! + bwd[k]!, 14)
  })

  it('row sums == channel-mean output of a sequential selective scan with unit input (§1.6, T1)', () => {
    for (const dir of dirs) {
      const y = scanMeanOutputUnitInput(f, 0, dir)
      const m = attentionMatrix(f, 0, dir)
      for (let i = 0; i < L; i++) {
        const orig = dir === 0 ? i : L - 1 - i
        let s = 0
        for (let j = 0; j < L; j++) s += m[orig * L + j]!
        expect(s).toBeCloseTo(y[i]!, 12)
      }
    }
  })
})
