// @vitest-environment node
/** Raster images through sharp: exact pixels, EXIF orientation, bit depth, alpha, pages and the pixel limit. */
import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { renderDisplay } from '../../../../main/core/image/display'
import { codeOf } from '../../../helpers/errors'

const rgb = (width: number, height: number, data: number[]) =>
  sharp(Uint8Array.from(data), { raw: { width, height, channels: 3 } })

/** A hand-built PNG (signature, IHDR, one IDAT, IEND) for cases sharp will not write: 16-bit grey, absurd sizes. */
function png(w: number, h: number, bitDepth: number, colourType: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length)
    const view = new DataView(out.buffer)
    view.setUint32(0, data.length)
    out.set(new TextEncoder().encode(type), 4)
    out.set(data, 8)
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
    return out
  }
  const ihdr = new Uint8Array(13)
  new DataView(ihdr.buffer).setUint32(0, w)
  new DataView(ihdr.buffer).setUint32(4, h)
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8)
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}

describe('raster loader', () => {
  const pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]

  it('PNG and WebP (lossless) load pixel-exact as RGB8, kind raster, no PHI', async () => {
    for (const [fmt, buf] of [['png', await rgb(3, 2, pixels).png().toBuffer()], ['webp', await rgb(3, 2, pixels).webp({ lossless: true }).toBuffer()]] as const) {
      const scan = await loadImageFile(new Uint8Array(buf), { name: `x.${fmt}` })
      expect([scan.kind, scan.width, scan.height, scan.meta.format]).toEqual(['raster', 3, 2, fmt])
      expect(scan.pixels.kind === 'rgb' && [...scan.pixels.rgb]).toEqual(pixels)
      expect(renderDisplay(scan).data).toEqual(Uint8Array.from(pixels))
      expect(scan.phi.count).toBe(0)
    }
  })

  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const jpeg = await rgb(4, 2, Array.from({ length: 24 }, (_, i) => (i < 12 ? 0 : 255))).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer()
    const scan = await loadImageFile(new Uint8Array(jpeg), { name: 'photo.jpg' })
    expect([scan.width, scan.height, scan.meta.exifOrientation]).toEqual([2, 4, 6])
  })

  it('16-bit grey PNG and PNG with alpha become 8-bit RGB (alpha flattened on black)', async () => {
    // One row: filter byte 0, then big-endian 16-bit samples 0 and 65535.
    const grey16 = png(2, 1, 16, 0, new Uint8Array(deflateSync(Uint8Array.of(0, 0, 0, 255, 255))))
    const a = await loadImageFile(grey16)
    expect(a.pixels.kind === 'rgb' && [...a.pixels.rgb]).toEqual([0, 0, 0, 255, 255, 255])
    const rgba = await sharp(Uint8Array.of(200, 100, 50, 0, 200, 100, 50, 255), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer()
    const b = await loadImageFile(new Uint8Array(rgba))
    expect(b.pixels.kind === 'rgb' && [...b.pixels.rgb]).toEqual([0, 0, 0, 200, 100, 50])
  })

  it('multi-page GIF: page picker and out-of-range page', async () => {
    const page = (v: number) => rgb(2, 2, new Array(12).fill(v)).png().toBuffer()
    const gif = await sharp([await page(0), await page(255)], { join: { animated: true } }).gif().toBuffer()
    const second = await loadImageFile(new Uint8Array(gif), { frame: 1 })
    expect(second.frame).toEqual({ index: 1, count: 2 })
    expect(second.pixels.kind === 'rgb' && second.pixels.rgb[0]).toBeGreaterThan(200)
    expect(await codeOf(loadImageFile(new Uint8Array(gif), { frame: 2 }))).toBe('image/frame-out-of-range')
  })

  it('refuses an image over the pixel limit from its header, before decoding', async () => {
    const started = Date.now()
    expect(await codeOf(loadImageFile(png(20_000, 20_000, 8, 2, new Uint8Array(deflateSync(new Uint8Array(10)))), { name: 'big.png' }))).toBe('image/too-large')
    // Just over our own limit (100 MP) but under sharp's default: refused by the loader's header check.
    expect(await codeOf(loadImageFile(png(10_001, 10_000, 8, 2, new Uint8Array(deflateSync(new Uint8Array(10)))), { name: 'big.png' }))).toBe('image/too-large')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('a damaged PNG is a decode error, not a crash', async () => {
    const png = new Uint8Array(await rgb(3, 2, pixels).png().toBuffer())
    expect(await codeOf(loadImageFile(png.subarray(0, 40)))).toBe('image/decode-failed')
  })

  it('the content decides the decoder: an SVG or PDF named .png is refused, a JPEG named .png loads as JPEG', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="red"/></svg>')
    expect(await sharp(svg).metadata()).toMatchObject({ format: 'svg' }) // libvips would render it
    expect(await codeOf(loadImageFile(svg, { name: 'scan.png' }))).toBe('image/unsupported-format')
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
    expect(await codeOf(loadImageFile(pdf, { name: 'scan.jpg' }))).toBe('image/unsupported-format')
    const jpeg = new Uint8Array(await rgb(3, 2, pixels).jpeg().toBuffer())
    expect((await loadImageFile(jpeg, { name: 'photo.png' })).meta['format']).toBe('jpeg')
  })
})
