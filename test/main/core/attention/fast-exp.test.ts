// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { expNonPositive } from '../../../../main/core/attention/fast-exp'
import { normalRng } from '../explain/synthetic'

describe('expNonPositive', () => {
  it('matches Math.exp to 4e-15 relative over [−700, 0]', () => {
    const rnd = normalRng(9)
    let worst = 0
    for (let i = 0; i < 200_000; i++) {
      const x = Math.max(-700, -Math.abs(rnd()) * (i % 3 === 0 ? 1 : i % 3 === 1 ? 30 : 200))
      worst = Math.max(worst, Math.abs(expNonPositive(x) / Math.exp(x) - 1))
    }
    expect(worst).toBeLessThan(4e-15)
  })
  it('handles the edges', () => {
    expect(expNonPositive(0)).toBe(1)
    expect(expNonPositive(-0)).toBe(1)
    expect(expNonPositive(-Infinity)).toBe(0)
    expect(expNonPositive(-800)).toBe(0)
    expect(expNonPositive(Number.NaN)).toBeNaN()
    expect(expNonPositive(1)).toBe(Math.E)
    expect(expNonPositive(-1e-300)).toBe(1)
    expect(expNonPositive(Math.log(0.5))).toBeCloseTo(0.5, 16)
    // Subnormal range stays close to Math.exp in absolute terms.
    expect(Math.abs(expNonPositive(-740) - Math.exp(-740))).toBeLessThan(1e-320)
  })
})
