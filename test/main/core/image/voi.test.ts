// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { lutTo8Bit, minMaxWindow, parseVoiFunction, windowTo8Bit, windowValue } from '../../../../main/core/image/voi'

describe('windowValue (DICOM PS3.3 C.11.2.1.2)', () => {
  it('LINEAR: the standard\'s worked edges for c=2048, w=4096', () => {
    const w = { center: 2048, width: 4096 }
    // x <= c - 0.5 - (w-1)/2 = 0 → ymin; x > c - 0.5 + (w-1)/2 = 4095 → ymax
    expect(windowValue(0, w, 'LINEAR')).toBe(0)
    expect(windowValue(4095.5, w, 'LINEAR')).toBe(255)
    expect(windowValue(2047.5, w, 'LINEAR')).toBeCloseTo(127.5, 6)
  })

  it('LINEAR with width 1 is a threshold at c - 0.5', () => {
    const w = { center: 100, width: 1 }
    expect(windowValue(99.5, w, 'LINEAR')).toBe(0)
    expect(windowValue(99.6, w, 'LINEAR')).toBe(255)
  })

  it('LINEAR_EXACT and SIGMOID follow their formulas', () => {
    const w = { center: 0, width: 100 }
    expect(windowValue(-50, w, 'LINEAR_EXACT')).toBe(0)
    expect(windowValue(25, w, 'LINEAR_EXACT')).toBeCloseTo(191.25, 6)
    expect(windowValue(0, w, 'SIGMOID')).toBeCloseTo(127.5, 6)
    expect(windowValue(50, w, 'SIGMOID')).toBeCloseTo(255 / (1 + Math.exp(-2)), 6)
  })

  it('a LINEAR window narrower than 1 (real-valued dose) maps continuously instead of thresholding', () => {
    const w = { center: 1, width: 0.5 }
    expect(windowValue(1, w, 'LINEAR')).toBeCloseTo(127.5, 6)
    expect(windowValue(0.8, w, 'LINEAR')).toBeCloseTo(25.5, 6)
  })
})

describe('windowTo8Bit', () => {
  it('matches windowValue truncated, for every function, and does not mutate its input', () => {
    const values = Float32Array.from({ length: 200 }, (_, i) => i * 7 - 300)
    const copy = values.slice()
    for (const fn of ['LINEAR', 'LINEAR_EXACT', 'SIGMOID'] as const) {
      const w = { center: 100, width: 900 }
      const out = windowTo8Bit(values, w, fn)
      out.forEach((v, i) => expect(v).toBe(Math.floor(windowValue(values[i] as number, w, fn))))
    }
    expect(values).toEqual(copy)
  })
})

describe('lutTo8Bit (VOI LUT Sequence)', () => {
  it('clamps below the first mapped value and above the last entry, scaling 16-bit entries to 8 bits', () => {
    const lut = { firstMapped: 10, bits: 16, data: Uint16Array.of(0, 65535, 32768), explanation: '' }
    expect([...lutTo8Bit(Float32Array.of(-5, 10, 11, 12, 400), lut)]).toEqual([0, 0, 255, 128, 128])
  })

  it('scales by the real maximum when entries exceed the declared bit depth', () => {
    const lut = { firstMapped: 0, bits: 8, data: Uint16Array.of(0, 4095), explanation: '' }
    expect([...lutTo8Bit(Float32Array.of(0, 1), lut)]).toEqual([0, 255])
  })
})

describe('minMaxWindow / parseVoiFunction', () => {
  it('covers [min, max] and tolerates a flat image', () => {
    expect(minMaxWindow(-1000, 3000)).toEqual({ center: 1000, width: 4000 })
    expect(minMaxWindow(5, 5)).toEqual({ center: 5, width: 1 })
  })

  it('defaults unknown or missing functions to LINEAR', () => {
    expect(parseVoiFunction(' sigmoid ')).toBe('SIGMOID')
    expect(parseVoiFunction('LINEAR_EXACT')).toBe('LINEAR_EXACT')
    expect(parseVoiFunction('banana')).toBe('LINEAR')
    expect(parseVoiFunction(undefined)).toBe('LINEAR')
  })
})
