// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { COLORMAP_IDS, colormapLut, isColormapId } from '../../../main/core/ui/colormaps'

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
