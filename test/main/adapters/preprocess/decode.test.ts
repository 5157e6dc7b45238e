// @vitest-environment node
import { crc32 } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { decodeImage } from '../../../../main/adapters/preprocess/decode'

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (e) {
    return isAppError(e) ? e.code : `not-app-error: ${String(e)}`
  }
  return undefined
}

/** 4×2 RGB test card: left half red, right half blue. */
function card(): Sharp {
  const px = new Uint8Array(4 * 2 * 3)
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) px.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3)
  return sharp(px, { raw: { width: 4, height: 2, channels: 3 } })
}

/** A valid PNG whose IHDR claims `w × h` (CRC fixed), to test the pixel limit without allocating it. */
async function pngClaiming(w: number, h: number): Promise<Uint8Array> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer())
  png.writeUInt32BE(w, 16)
  png.writeUInt32BE(h, 20)
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29)
  return png
}

describe('decodeImage', () => {
  const formats: [string, (s: Sharp) => Sharp, boolean][] = [
    ['png', (s) => s.png(), true],
    ['webp', (s) => s.webp({ lossless: true }), true],
    ['tiff', (s) => s.tiff({ compression: 'lzw' }), true],
    ['gif', (s) => s.gif(), true],
    ['jpeg', (s) => s.jpeg({ quality: 100 }), false],
    ['avif', (s) => s.avif({ lossless: true }), false],
  ]
  for (const [name, encode, exact] of formats) {
    it.skipIf(name === 'avif' && sharp.format.heif.output.buffer !== true)(`decodes ${name} to RGB8`, async () => {
      const bytes = await encode(card()).toBuffer()
      const d = await decodeImage(bytes)
      expect([d.image.width, d.image.height, d.image.data.length]).toEqual([4, 2, 24])
      const left = Array.from(d.image.data.subarray(0, 3))
      const right = Array.from(d.image.data.subarray(9, 12))
      if (exact) {
        expect(left).toEqual([255, 0, 0])
        expect(right).toEqual([0, 0, 255])
      } else {
        expect(left[0]).toBeGreaterThan(150)
        expect(right[2]).toBeGreaterThan(150)
      }
    })
  }

  it('applies the EXIF orientation', async () => {
    const bytes = await card().jpeg().withMetadata({ orientation: 6 }).toBuffer()
    const d = await decodeImage(bytes)
    expect([d.image.width, d.image.height, d.orientation]).toEqual([2, 4, 6])
  })

  it('expands grayscale (8 and 16 bit) to three equal channels', async () => {
    const g8 = await sharp(new Uint8Array([0, 100, 200, 255]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer()
    const d8 = await decodeImage(g8)
    expect(Array.from(d8.image.data.subarray(3, 6))).toEqual([100, 100, 100])
    const g16 = await sharp(new Uint8Array([0, 100, 200, 255]), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('grey16').png().toBuffer()
    const d16 = await decodeImage(g16)
    expect(d16.image.data.length).toBe(12)
    expect(d16.image.data[9]).toBe(d16.image.data[11])
    expect(d16.image.data[9]).toBeGreaterThan(250)
  })

  it('flattens alpha onto black', async () => {
    const rgba = await sharp(new Uint8Array([255, 255, 255, 0, 255, 255, 255, 128]), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer()
    const d = await decodeImage(rgba)
    expect(d.hadAlpha).toBe(true)
    expect(Array.from(d.image.data.subarray(0, 3))).toEqual([0, 0, 0])
    expect(d.image.data[3]).toBeGreaterThan(120)
    expect(d.image.data[3]).toBeLessThan(136)
  })

  it('refuses empty, garbage and truncated input with image codes', async () => {
    expect(await codeOf(decodeImage(new Uint8Array(0)))).toBe('image/empty')
    expect(await codeOf(decodeImage(new TextEncoder().encode('this is not an image')))).toBe('image/unsupported-format')
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png({ compressionLevel: 0 }).toBuffer()
    expect(await codeOf(decodeImage(png.subarray(0, png.length >> 1)))).toBe('image/decode-failed')
  })

  it('refuses images above the pixel limit before decoding (image/too-large)', async () => {
    expect(await codeOf(decodeImage(await pngClaiming(20000, 20000)))).toBe('image/too-large')
    const small = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#000' } }).png().toBuffer()
    expect(await codeOf(decodeImage(small, { maxPixels: 1000 }))).toBe('image/too-large')
  })
})
