// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { applyModalityLut, applyRescale, quantileRange, valueRange } from '../../../../main/core/image/modality-lut'

describe('Modality LUT', () => {
  it('applies slope/intercept (CT: stored → HU)', () => {
    expect([...applyRescale(Int32Array.of(0, 1024, 2000), 1, -1024)]).toEqual([-1024, 0, 976])
    expect([...applyRescale(Int32Array.of(4, -4), 0.5, 1)]).toEqual([3, -1])
  })

  it('applies a Modality LUT Sequence with a signed first mapped value and clamps outside it', () => {
    const lut = { firstMapped: -2, bits: 16, data: Uint16Array.of(100, 200, 300), explanation: '' }
    expect([...applyModalityLut(Int32Array.of(-10, -2, -1, 0, 99), lut)]).toEqual([100, 100, 200, 300, 300])
  })

  it('does not mutate the stored values', () => {
    const stored = Int32Array.of(1, 2, 3)
    applyRescale(stored, 2, 1)
    expect([...stored]).toEqual([1, 2, 3])
  })
})

describe('value statistics', () => {
  it('range ignores NaN and is {0,0} for empty input', () => {
    expect(valueRange(Float32Array.of(3, NaN, -7, 12))).toEqual({ min: -7, max: 12 })
    expect(valueRange(new Float32Array(0))).toEqual({ min: 0, max: 0 })
  })

  it('quantiles drop rare outliers (collimator edges) but keep the bulk', () => {
    const values = new Float32Array(10_000).map((_, i) => i % 1000)
    values[0] = -50_000
    values[1] = 90_000
    const { low, high } = quantileRange(values, 0.005, 0.995)
    expect(low).toBeGreaterThan(-100)
    expect(high).toBeLessThan(1100)
    expect(high - low).toBeGreaterThan(900)
  })
})
