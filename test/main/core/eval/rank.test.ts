// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { averagePrecision, averageRanks, rocAuc, spearman } from '../../../../main/core/eval/rank'

describe('rank statistics', () => {
  it('average ranks share ties', () => {
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2])
  })

  it('spearman: identical order 1, reversed −1, constant NaN', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12)
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12)
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN()
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12)
  })

  it('ROC AUC: perfect 1, inverted 0, all tied 0.5, one class NaN', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1)
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0)
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5)
    expect(rocAuc([1, 2], [1, 1])).toBeNaN()
  })

  it('average precision equals sklearn.metrics.average_precision_score', () => {
    // sklearn docs example: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333…
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333333, 9)
    // Ties form one threshold: scores [1, 1] with labels [1, 0] → precision 0.5 at recall 1.
    expect(averagePrecision([1, 1], [1, 0])).toBe(0.5)
    expect(averagePrecision([0.3, 0.2], [0, 0])).toBeNaN()
  })
})
