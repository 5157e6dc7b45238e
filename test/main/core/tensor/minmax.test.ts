// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { minMax, minmaxNormalise, normaliseWith } from '../../../../main/core/tensor/minmax'

describe('minMax', () => {
  it('finds extremes and flags constant, empty and NaN input as degenerate (spec §5.11)', () => {
    expect(minMax([3, -1, 2])).toEqual({ min: -1, max: 3, degenerate: false })
    expect(minMax([2, 2, 2]).degenerate).toBe(true)
    expect(minMax([]).degenerate).toBe(true)
    expect(minMax([1, Number.NaN, 3]).degenerate).toBe(true)
  })
})

describe('minmaxNormalise', () => {
  it('maps to [0, 1] in float64 (spec §0)', () => {
    const r = minmaxNormalise(new Float32Array([2, 4, 3]))
    expect(Array.from(r.values)).toEqual([0, 1, 0.5])
    expect(r.degenerate).toBe(false)
    expect(r.values).toBeInstanceOf(Float64Array)
  })
  it('returns zeros + flag instead of NaN when max == min', () => {
    const r = minmaxNormalise([5, 5, 5])
    expect(Array.from(r.values)).toEqual([0, 0, 0])
    expect(r.degenerate).toBe(true)
  })
  it('does not mutate its input', () => {
    const v = new Float32Array([1, 2, 3])
    minmaxNormalise(v)
    expect(Array.from(v)).toEqual([1, 2, 3])
  })
})

describe('normaliseWith', () => {
  it('uses external extremes (affine minmax of a channel mean, spec §3.2)', () => {
    expect(Array.from(normaliseWith([0, 1], -1, 3).values)).toEqual([0.25, 0.5])
    expect(normaliseWith([0, 1], 2, 2).degenerate).toBe(true)
  })
})
