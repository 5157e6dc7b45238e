import { describe, expect, it } from 'vitest'
import { agreementOf, topKOverlap } from '../../../../main/core/trust/agreement'
import { averageRanks, spearman } from '../../../../main/core/eval/rank'

describe('agreement between maps', () => {
  it('average ranks share ties; non-finite values rank lowest', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1])
    expect(Array.from(averageRanks([1, Number.NaN, 2]))).toEqual([2, 1, 3])
  })

  it('Spearman: 1 for any monotone transform, −1 reversed, undefined against a constant map', () => {
    const a = [1, 2, 3, 4, 5]
    expect(spearman(a, a.map((x) => x ** 3))).toBeCloseTo(1, 15)
    expect(spearman(a, [5, 4, 3, 2, 1])).toBeCloseTo(-1, 15)
    expect(spearman(a, [7, 7, 7, 7, 7])).toBeNaN()
    // Known value: d = (0, 0, 1, −1, 0) → 1 − 6·2 / (5·24) = 0.9
    expect(spearman(a, [1, 2, 4, 3, 5])).toBeCloseTo(0.9, 15)
  })

  it('top-k overlap counts shared top patches', () => {
    expect(topKOverlap([9, 8, 1, 0], [9, 0, 8, 1], 2)).toBe(0.5)
    expect(topKOverlap([1, 2, 3], [1, 2, 3], 3)).toBe(1)
  })

  it('agreement of one method with the others, leaving out the random baseline', () => {
    const n = 20
    const up = Float32Array.from({ length: n }, (_, i) => i)
    const down = Float32Array.from({ length: n }, (_, i) => -i)
    const a = agreementOf('a', [
      { methodId: 'a', patchRelevance: up }, { methodId: 'b', patchRelevance: up }, { methodId: 'c', patchRelevance: down },
      { methodId: 'random-baseline', patchRelevance: down },
    ])
    expect(a.k).toBe(2)
    expect(a.spearman).toEqual({ b: 1, c: -1 })
    expect(a.topKOverlap).toEqual({ b: 1, c: 0 })
    expect(a.medianSpearman).toBe(0)
    expect(agreementOf('a', [{ methodId: 'a', patchRelevance: up }]).medianSpearman).toBeNull()
  })
})

describe('honest colour scales', () => {
  it('flags nearly flat maps and not peaked ones', async () => {
    const { isNearlyFlat } = await import('../../../../main/core/trust/scale')
    expect(isNearlyFlat(Float32Array.of(1, 1.01, 1.02))).toBe(true) // spread 0.02 < 5 % of 1.02
    expect(isNearlyFlat(Float32Array.of(1, 1.2))).toBe(false)
    expect(isNearlyFlat(Float32Array.of(0, 0, 0))).toBe(true)
    expect(isNearlyFlat(Float32Array.of(-1, 1))).toBe(false)
  })

  it('puts maps of different units on one scale relative to their mean |value|', async () => {
    const { sharedScale } = await import('../../../../main/core/trust/scale')
    const s = sharedScale([Float32Array.of(1, 1, 1, 1), Float32Array.of(0, 0, 0, 0.004)])
    expect(Array.from(s.maps[0]!)).toEqual([1, 1, 1, 1]) // flat stays flat at 1
    expect(Array.from(s.maps[1]!)).toEqual([0, 0, 0, 4]) // one hot patch = 4 × the mean
    expect(s.range).toEqual({ min: 0, max: 4 })
  })
})
