import { describe, expect, it } from 'vitest'
import { cholesky, energy, fitGaussian, invertLower, mahalanobis, quantile, tiedCovariance } from '../../../../main/core/trust/gaussian'

describe('Gaussian statistics of features', () => {
  it('Cholesky of [[4,2],[2,3]] is [[2,0],[1,√2]] and its inverse undoes it', () => {
    const l = cholesky(Float64Array.from([4, 2, 2, 3]), 2)
    expect(Array.from(l)).toEqual([2, 0, 1, Math.sqrt(2)])
    const w = invertLower(l, 2)
    // W·L = I
    expect(w[0]! * l[0]!).toBeCloseTo(1, 15)
    expect(w[2]! * l[0]! + w[3]! * l[2]!).toBeCloseTo(0, 15)
    expect(w[3]! * l[3]!).toBeCloseTo(1, 15)
  })

  it('refuses a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/)
  })

  it('tied covariance around class means, and shrinkage towards trace/dim · I', () => {
    // Class 0 at x = ±1 around 0, class 1 at x = 9, 11 around 10; y constant 0.
    const rows = [[-1, 0], [1, 0], [9, 0], [11, 0]]
    const means = [Float64Array.from([0, 0]), Float64Array.from([10, 0])]
    expect(Array.from(tiedCovariance(rows, [0, 0, 1, 1], means, 0))).toEqual([1, 0, 0, 0])
    // λ = 0.5: 0.5·1 + 0.5·(1/2) on x, 0.5·0 + 0.5·(1/2) on y.
    expect(Array.from(tiedCovariance(rows, [0, 0, 1, 1], means, 0.5))).toEqual([0.75, 0, 0, 0.25])
  })

  it('Mahalanobis distance: nearest class mean, scaled by the covariance', () => {
    // Σ = diag(4, 1) exactly: x spread ±2, y spread ±1 around each class mean (λ = 0).
    const rows = [[-2, 0], [2, 0], [0, -1], [0, 1], [10 - 2, 0], [10 + 2, 0], [10, -1], [10, 1]]
    const labels = [0, 0, 0, 0, 1, 1, 1, 1]
    const g = fitGaussian(rows, labels, 2, 0)
    expect(Array.from(g.means[1]!)).toEqual([10, 0])
    expect(mahalanobis([4, 0], g)).toBeCloseTo(Math.sqrt(4 * 4 / 2), 12) // var x = 8/4 = 2 → 4/√2
    expect(mahalanobis([10, 3], g)).toBeCloseTo(3 / Math.sqrt(0.5), 12) // var y = 2/4 = 0.5, nearest mean class 1
    expect(() => mahalanobis([1, 2, 3], g)).toThrow(/does not match/)
  })

  it('energy of the logits is −logsumexp', () => {
    expect(energy([0, 0])).toBeCloseTo(-Math.log(2), 15)
    expect(energy([1000, 0])).toBeCloseTo(-1000, 9)
  })

  it('quantile interpolates between order statistics like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([4, 1, 3, 2], 0.975)).toBeCloseTo(3.925, 12)
    expect(quantile([5], 0.3)).toBe(5)
  })
})
