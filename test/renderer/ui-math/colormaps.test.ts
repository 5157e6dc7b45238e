/** Colormap tables (main/core/ui/colormaps.ts) against entries of matplotlib's `_cm_listed.py`. */
import { describe, expect, it } from 'vitest'
import { colorAt, colormapLut, COLORMAPS, cssGradient, DEFAULT_COLORMAP, isColormapId } from '@core/ui/colormaps'

/** Entries *between* our anchors (matplotlib index → RGB in [0,1]): the interpolation must land within 1.5 steps. */
const REFERENCE: Record<'viridis' | 'inferno', [number, [number, number, number]][]> = {
  viridis: [
    [4, [0.272594, 0.025563, 0.353093]],
    [100, [0.166617, 0.463708, 0.558119]],
    [140, [0.119423, 0.611141, 0.538982]],
    [252, [0.964894, 0.902323, 0.123941]],
  ],
  inferno: [
    [4, [0.006006, 0.004692, 0.038558]],
    [100, [0.565854, 0.143567, 0.408258]],
    [252, [0.971162, 0.985282, 0.602154]],
  ],
}

describe('colormaps', () => {
  it('default is perceptual; jet is listed but flagged', () => {
    expect(DEFAULT_COLORMAP).toBe('viridis')
    expect(COLORMAPS.find((c) => c.id === 'jet')?.perceptual).toBe(false)
    expect(COLORMAPS.filter((c) => c.perceptual).map((c) => c.id)).toEqual(['viridis', 'inferno'])
  })

  for (const id of ['viridis', 'inferno'] as const) {
    it(`${id} matches matplotlib within 1.5 8-bit steps`, () => {
      const lut = colormapLut(id)
      for (const [k, rgb] of REFERENCE[id]) {
        for (let c = 0; c < 3; c++) expect(Math.abs(lut[k * 3 + c]! - rgb[c]! * 255)).toBeLessThanOrEqual(1.5)
      }
    })

    it(`${id} gets brighter monotonically (perceptual maps encode value as lightness)`, () => {
      const lut = colormapLut(id)
      let prev = -1
      for (let k = 0; k < 256; k += 5) {
        const luma = 0.2126 * lut[k * 3]! + 0.7152 * lut[k * 3 + 1]! + 0.0722 * lut[k * 3 + 2]!
        expect(luma).toBeGreaterThan(prev)
        prev = luma
      }
    })
  }

  it('jet runs dark blue → red like matplotlib', () => {
    expect(colorAt('jet', 0)).toEqual([0, 0, 128])
    expect(colorAt('jet', 1)).toEqual([128, 0, 0])
    expect(colorAt('jet', 0.5)[1]).toBe(255)
  })

  it('clamps out-of-range and non-finite values', () => {
    expect(colorAt('viridis', -3)).toEqual(colorAt('viridis', 0))
    expect(colorAt('viridis', 7)).toEqual(colorAt('viridis', 1))
    expect(colorAt('viridis', Number.NaN)).toEqual(colorAt('viridis', 0))
  })

  it('builds a CSS gradient for the colour bar and validates ids', () => {
    expect(cssGradient('inferno', 4)).toMatch(/^linear-gradient\(to top, rgb\(/)
    expect(isColormapId('inferno')).toBe(true)
    expect(isColormapId('hot')).toBe(false)
  })
})
