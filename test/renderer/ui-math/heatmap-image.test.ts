/** Display range, threshold and contour rendering (main/core/ui/heatmap-image.ts). */
import { describe, expect, it } from 'vitest'
import {
  colorBarTicks,
  contourLevels,
  denormalise,
  formatValue,
  heatmapToRgba,
  isBelowThreshold,
  normalise,
  valueRange,
} from '@core/ui/heatmap-image'
import { colorAt } from '@core/ui/colormaps'

const ramp = (w: number, h: number): Float32Array => Float32Array.from({ length: w * h }, (_, i) => (i % w) / (w - 1))

describe('heatmap image', () => {
  it('value range ignores non-finite values; a flat map normalises to 0', () => {
    expect(valueRange([3, Number.NaN, -1, Infinity, 2])).toEqual({ min: -1, max: 3 })
    expect(valueRange([])).toEqual({ min: 0, max: 0 })
    expect(normalise(5, { min: 5, max: 5 })).toBe(0)
    expect(normalise(2, { min: 0, max: 4 })).toBe(0.5)
    expect(denormalise(0.25, { min: 0, max: 4 })).toBe(1)
  })

  it('threshold hides values below the fraction, never at or above it', () => {
    expect(isBelowThreshold(0.1, 0)).toBe(false)
    expect(isBelowThreshold(0.49, 0.5)).toBe(true)
    expect(isBelowThreshold(0.5, 0.5)).toBe(false)
    const rgba = heatmapToRgba(ramp(11, 1), 11, 1, { min: 0, max: 1 }, { colormap: 'viridis', threshold01: 0.5, contour: false })
    const alphas = Array.from({ length: 11 }, (_, i) => rgba[i * 4 + 3])
    expect(alphas).toEqual([0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255])
  })

  it('filled mode colours each pixel by the colormap', () => {
    const rgba = heatmapToRgba(Float32Array.of(0, 1), 2, 1, { min: 0, max: 1 }, { colormap: 'inferno', threshold01: 0, contour: false })
    expect(Array.from(rgba.subarray(0, 3))).toEqual(colorAt('inferno', 0))
    expect(Array.from(rgba.subarray(4, 7))).toEqual(colorAt('inferno', 1))
  })

  it('contour mode draws only level crossings, leaving the rest transparent', () => {
    const w = 32
    const h = 8
    const rgba = heatmapToRgba(ramp(w, h), w, h, { min: 0, max: 1 }, { colormap: 'viridis', threshold01: 0, contour: true })
    let opaque = 0
    for (let i = 3; i < rgba.length; i += 4) if (rgba[i] === 255) opaque++
    // A horizontal ramp crosses each of the 4 levels once per row.
    expect(opaque).toBe(contourLevels(0).length * h)
  })

  it('writes into the given buffer (no allocation on slider drags)', () => {
    const out = new Uint8ClampedArray(4 * 4)
    const r = heatmapToRgba(ramp(4, 1), 4, 1, { min: 0, max: 1 }, { colormap: 'jet', threshold01: 0, contour: false }, out)
    expect(r).toBe(out)
  })

  it('colour-bar ticks span the range; values are formatted for any magnitude', () => {
    expect(colorBarTicks({ min: 0, max: 2 }, 3)).toEqual([0, 1, 2])
    expect(formatValue(0)).toBe('0')
    expect(formatValue(0.5)).toBe('0.500')
    expect(formatValue(2e5)).toBe('2.00e+5')
    expect(formatValue(3e-6)).toBe('3.00e-6')
    expect(formatValue(Number.NaN)).toBe('–')
  })
})
