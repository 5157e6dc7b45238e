// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { applyColormap, composeOverlay, normalizeHeatmap } from '../../../../main/core/render/compose'
import { COLORMAP_IDS, colormapLut, isColormapId } from '../../../../main/core/render/colormaps'

const rgbAt = (lut: Uint8Array, i: number): number[] => [lut[i * 3]!, lut[i * 3 + 1]!, lut[i * 3 + 2]!]
const to8 = (v: readonly number[]): number[] => v.map((x) => Math.round(x * 255))

describe('colormaps', () => {
  it('match matplotlib at the knots and the ends', () => {
    // matplotlib _viridis_data[0], [128], [255]; _inferno_data[0], [128], [255]
    expect(rgbAt(colormapLut('viridis'), 0)).toEqual(to8([0.267004, 0.004874, 0.329415]))
    expect(rgbAt(colormapLut('viridis'), 128)).toEqual(to8([0.127568, 0.566949, 0.550556]))
    expect(rgbAt(colormapLut('viridis'), 255)).toEqual(to8([0.993248, 0.906157, 0.143936]))
    expect(rgbAt(colormapLut('inferno'), 0)).toEqual(to8([0.001462, 0.000466, 0.013866]))
    expect(rgbAt(colormapLut('inferno'), 128)).toEqual(to8([0.735683, 0.215906, 0.330245]))
    expect(rgbAt(colormapLut('inferno'), 255)).toEqual(to8([0.988362, 0.998364, 0.644924]))
  })

  it('interpolates viridis within one 8-bit step of the full table between knots', () => {
    // matplotlib _viridis_data[100] = [0.166617, 0.463708, 0.558119] (not a knot)
    const got = rgbAt(colormapLut('viridis'), 100)
    to8([0.166617, 0.463708, 0.558119]).forEach((v, c) => expect(Math.abs(got[c]! - v)).toBeLessThanOrEqual(1))
  })

  it('jet runs from dark blue through green to dark red', () => {
    const jet = colormapLut('jet')
    expect(rgbAt(jet, 0)).toEqual([0, 0, 128])
    expect(rgbAt(jet, 255)).toEqual([128, 0, 0])
    const mid = rgbAt(jet, 128)
    expect(mid[1]).toBeGreaterThan(200)
  })

  it('has 256 entries per map and recognises ids', () => {
    for (const id of COLORMAP_IDS) expect(colormapLut(id)).toHaveLength(768)
    expect(isColormapId('viridis')).toBe(true)
    expect(isColormapId('hot')).toBe(false)
  })
})

describe('normalizeHeatmap', () => {
  it('min-max normalises and does not mutate the input', () => {
    const h = new Float32Array([2, 4, 6])
    const n = normalizeHeatmap(h)
    expect(Array.from(n.values)).toEqual([0, 0.5, 1])
    expect(n.degenerate).toBe(false)
    expect(Array.from(h)).toEqual([2, 4, 6])
  })

  it('flags a constant map and returns zeros (spec §5.11)', () => {
    const n = normalizeHeatmap(new Float32Array([3, 3, 3]))
    expect(n.degenerate).toBe(true)
    expect(Array.from(n.values)).toEqual([0, 0, 0])
  })

  it('ignores non-finite values for the range and maps them to 0', () => {
    const n = normalizeHeatmap([Number.NaN, 1, 3, Infinity])
    expect(Array.from(n.values)).toEqual([0, 0, 1, 0])
  })
})

describe('composeOverlay', () => {
  const image = { width: 2, height: 1, data: new Uint8Array([10, 20, 30, 200, 100, 0]) }

  it('blends (1-α)·image + α·colour in RGB order', () => {
    const heat = new Float32Array([0, 1])
    const out = composeOverlay(image, heat, { colormap: 'viridis', opacity01: 0.5 })
    const lut = colormapLut('viridis')
    const expected = [0, 1, 2, 3, 4, 5].map((i) => Math.round(0.5 * image.data[i]! + 0.5 * lut[(i < 3 ? 0 : 255) * 3 + (i % 3)]!))
    expect(Array.from(out.image.data)).toEqual(expected)
    expect(out.degenerate).toBe(false)
  })

  it('opacity 0 returns the image, 1 the colours', () => {
    const heat = new Float32Array([0, 1])
    expect(Array.from(composeOverlay(image, heat, { colormap: 'jet', opacity01: 0 }).image.data)).toEqual(Array.from(image.data))
    expect(Array.from(composeOverlay(image, heat, { colormap: 'jet', opacity01: 1 }).image.data)).toEqual(Array.from(applyColormap([0, 1], 'jet')))
  })

  it('rejects a heatmap of the wrong size', () => {
    expect(() => composeOverlay(image, new Float32Array(3), { colormap: 'viridis', opacity01: 0.5 })).toThrow()
  })
})
