// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { axisCodes, extractSlice, sliceOrientation } from '../../../../main/core/image/nifti-slice'

describe('axisCodes (nibabel aff2axcodes convention)', () => {
  it('reads RAS, LAS and permuted affines', () => {
    expect(axisCodes([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0]])).toBe('RAS')
    expect(axisCodes([[-2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2.2, 0]])).toBe('LAS')
    expect(axisCodes([[0, 0, 1, 0], [-1, 0, 0, 0], [0, -1, 0, 0]])).toBe('PIR')
  })
})

describe('extractSlice', () => {
  // Volume 2×3×4, value = i + 10 j + 100 k (NIfTI order: i fastest).
  const dims = [2, 3, 4] as const
  const vol = Float32Array.from({ length: 24 }, (_, n) => (n % 2) + 10 * (Math.floor(n / 2) % 3) + 100 * Math.floor(n / 6))

  it('axis 2 slice: columns along i, rows along j with the highest j on top', () => {
    const s = extractSlice(vol, dims, 2, 1)
    expect([s.width, s.height]).toEqual([2, 3])
    expect([...s.values]).toEqual([120, 121, 110, 111, 100, 101])
  })

  it('axis 0 slice: columns along j, rows along k (top = highest k)', () => {
    const s = extractSlice(vol, dims, 0, 1)
    expect([s.width, s.height]).toEqual([3, 4])
    expect([...s.values.slice(0, 3)]).toEqual([301, 311, 321])
    expect([...s.values.slice(9)]).toEqual([1, 11, 21])
  })

  it('honours the volume offset of 4-D series', () => {
    const twoVolumes = Float32Array.from([...vol, ...vol.map((v) => v + 1000)])
    expect(extractSlice(twoVolumes, dims, 2, 0, 24).values[4]).toBe(1000)
  })
})

describe('sliceOrientation', () => {
  it('labels the edges from the axis codes', () => {
    expect(sliceOrientation('LAS', 2, 'qform').edges).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' })
    expect(sliceOrientation('RAS', 0, 'sform').edges).toEqual({ left: 'P', right: 'A', top: 'S', bottom: 'I' })
  })
})
