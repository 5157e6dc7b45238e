// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { applyPalette, grayToRgb, planarToInterleaved, samplesTo8Bit, ybrFull422ToRgb, ybrFullToRgb } from '../../../../main/core/image/colour'

describe('colour conversions', () => {
  it('planar RRGGBB → interleaved RGBRGB', () => {
    expect([...planarToInterleaved(Uint8Array.of(1, 2, 3, 4, 5, 6), 2)]).toEqual([1, 3, 5, 2, 4, 6])
  })

  it('YBR_FULL → RGB per PS3.3 (grey stays grey, pure colours come back)', () => {
    expect([...ybrFullToRgb(Uint8Array.of(128, 128, 128))]).toEqual([128, 128, 128])
    // Forward transform of pure red (255,0,0): Y=76.245, Cb=84.98, Cr=255.5 (clipped to 255)
    const [r, g, b] = ybrFullToRgb(Uint8Array.of(76, 85, 255))
    expect(r).toBeGreaterThanOrEqual(253)
    expect(g).toBeLessThanOrEqual(2)
    expect(b).toBeLessThanOrEqual(2)
  })

  it('YBR_FULL_422 shares chroma between pixel pairs', () => {
    const rgb = ybrFull422ToRgb(Uint8Array.of(10, 200, 128, 128), 2, 1)
    expect([...rgb]).toEqual([10, 10, 10, 200, 200, 200])
  })

  it('16-bit samples reduce to their high byte; grey replicates', () => {
    expect([...samplesTo8Bit(Uint16Array.of(0, 256, 65535), 16)]).toEqual([0, 1, 255])
    expect([...samplesTo8Bit(Uint16Array.of(4095), 12)]).toEqual([255])
    expect([...grayToRgb(Uint8Array.of(7))]).toEqual([7, 7, 7])
  })

  it('palette: first mapped offset, clamping, 16-bit entries to high byte', () => {
    const t = (data: number[]) => ({ firstMapped: 1, bits: 16, data: Uint16Array.from(data), explanation: '' })
    const palette = { red: t([0xff00, 0x0000]), green: t([0x0000, 0xff00]), blue: t([0x1200, 0x3400]) }
    expect([...applyPalette(Uint8Array.of(0, 1, 2, 9), palette)]).toEqual([255, 0, 0x12, 255, 0, 0x12, 0, 255, 0x34, 0, 255, 0x34])
  })
})
