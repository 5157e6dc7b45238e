// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { rolloutByMatrixProduct, rolloutClosedForm } from '../../../../main/core/explain/rollout'
import { normalRng } from './synthetic'

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('rollout (spec §3.1)', () => {
  it('closed form == explicit matrix product (positive vectors, 9 layers, L = 11, c* = 5)', () => {
    const rnd = normalRng(7)
    const vecs = Array.from({ length: 9 }, () => Float64Array.from({ length: 11 }, () => Math.abs(rnd())))
    const closed = rolloutClosedForm(vecs, 5)
    const explicit = rolloutByMatrixProduct(vecs, 5)
    expect(closed.degenerate).toBe(false)
    expect(maxDiff(closed.tokens, explicit)).toBeLessThan(1e-14)
    // Σ p stays 1 (rows of every M_l sum to 1).
    expect(closed.tokens.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })

  it('closed form == matrix product with signed vectors (Mamba-Rollout, §3.3)', () => {
    const rnd = normalRng(8)
    const vecs = Array.from({ length: 5 }, () => Float64Array.from({ length: 7 }, () => 0.1 * rnd()))
    expect(maxDiff(rolloutClosedForm(vecs, 3).tokens, rolloutByMatrixProduct(vecs, 3))).toBeLessThan(1e-13)
  })

  it('layer order matters: the LAST layer is applied first to e_c* (not symmetric)', () => {
    const a = [0.5, 0, 0]
    const b = [0, 0, 2]
    const ab = rolloutClosedForm([a, b], 1).tokens
    const ba = rolloutClosedForm([b, a], 1).tokens
    expect(maxDiff(ab, ba)).toBeGreaterThan(1e-3)
    expect(maxDiff(ab, rolloutByMatrixProduct([a, b], 1))).toBeLessThan(1e-15)
  })

  it('hand-computed single layer: ρ = (e_c* + r)/(1 + Σr)', () => {
    const r = rolloutClosedForm([[1, 0, 1]], 1).tokens
    expect(Array.from(r)).toEqual([1 / 3, 1 / 3, 1 / 3])
  })

  it('1 + Σr = 0 gives zeros + degenerate instead of NaN/Inf', () => {
    const r = rolloutClosedForm([[-0.5, -0.5, 0]], 1)
    expect(r.degenerate).toBe(true)
    expect(Array.from(r.tokens)).toEqual([0, 0, 0])
  })

  it('rejects empty layer lists and bad CLS indices', () => {
    expect(() => rolloutClosedForm([], 0)).toThrow()
    expect(() => rolloutClosedForm([[1, 2]], 2)).toThrow()
  })
})
