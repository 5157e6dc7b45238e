// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { allFinite, argmax, maxAbs, mean, stats, sum } from '../../../../main/core/tensor/stats'
import { f32, rowView, sizeOf, toF64 } from '../../../../main/core/tensor/f32'

describe('stats', () => {
  it('reduces in float64', () => {
    const big = new Float32Array([1e8, 1, -1e8])
    expect(sum(big)).toBe(1)
    expect(mean([1, 2, 3])).toBe(2)
    expect(maxAbs([1, -4, 3])).toBe(4)
    expect(argmax([1, 5, 5, 2])).toBe(1)
    expect(allFinite([1, 2])).toBe(true)
    expect(allFinite([1, Infinity])).toBe(false)
    const s = stats([1, 3])
    expect(s).toEqual({ min: 1, max: 3, mean: 2, std: 1 })
  })
})

describe('f32 tensors', () => {
  it('checks sizes and gives row views without copying', () => {
    const t = f32(new Float32Array([0, 1, 2, 3, 4, 5]), [2, 3] as const)
    expect(sizeOf(t.shape)).toBe(6)
    const r = rowView(t, 1)
    expect(Array.from(r)).toEqual([3, 4, 5])
    expect(r.buffer).toBe(t.data.buffer)
    expect(() => rowView(t, 2)).toThrow()
    expect(() => f32(new Float32Array(5), [2, 3])).toThrow()
    expect(toF64(r)).toBeInstanceOf(Float64Array)
  })
})
