/**
 * PNG encoding of a figure: sharp encodes the pixels (and rasterises the label layer), then the
 * provenance goes in as iTXt chunks written here, because sharp has no way to write iTXt (only EXIF/XMP
 * and, in some builds, Latin-1 tEXt). iTXt is the PNG text chunk that carries UTF-8 (PNG spec §11.3.4.5).
 */
import sharp from 'sharp'
import type { Rgb8Image } from '../../core/image/types'

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (ISO 3309 / PNG Annex D) of `parts` taken as one byte sequence. */
export function crc32(...parts: readonly Uint8Array[]): number {
  let c = 0xffffffff
  for (const bytes of parts) for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0))

/** One PNG chunk: length, type, data, CRC over type + data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new RangeError('PNG chunk type must be four letters')
  const typeBytes = latin1(type)
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  out.set(typeBytes, 4)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(typeBytes, data))
  return out
}

/**
 * An uncompressed iTXt chunk: keyword (1–79 Latin-1 printable characters, no leading/trailing or double
 * spaces), NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, UTF-8 text.
 */
export function itxtChunk(keyword: string, text: string): Uint8Array {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword)) throw new RangeError('invalid PNG text keyword')
  const key = latin1(keyword)
  const body = new TextEncoder().encode(text)
  const data = new Uint8Array(key.length + 5 + body.length)
  data.set(key, 0)
  // key NUL, flag 0, method 0, language '' NUL, translated '' NUL: five bytes, all zero.
  data.set(body, key.length + 5)
  return pngChunk('iTXt', data)
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10]

/** Inserts chunks right after IHDR, so readers that stop early (thumbnailers) still see them. */
export function insertAfterIhdr(png: Uint8Array, chunks: readonly Uint8Array[]): Uint8Array {
  if (png.length < 33 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG')
  const ihdrLength = new DataView(png.buffer, png.byteOffset, png.byteLength).getUint32(8)
  const at = 8 + 12 + ihdrLength
  const extra = chunks.reduce((n, c) => n + c.length, 0)
  const out = new Uint8Array(png.length + extra)
  out.set(png.subarray(0, at), 0)
  let o = at
  for (const c of chunks) {
    out.set(c, o)
    o += c.length
  }
  out.set(png.subarray(at), o)
  return out
}

/**
 * Composites a transparent SVG (the labels) over RGB pixels and returns RGB pixels. librsvg renders the
 * text with the system's fonts; the figure layout keeps text off the image panels, so those stay exact.
 */
export async function burnInSvg(base: Rgb8Image, svg: string): Promise<Rgb8Image> {
  const { data, info } = await sharp(base.data, { raw: { width: base.width, height: base.height, channels: 3 } })
    .composite([{ input: Buffer.from(svg, 'utf8'), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (info.width !== base.width || info.height !== base.height || info.channels !== 3) throw new Error('unexpected raster from sharp')
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
}

/** Encodes RGB8 as PNG (lossless, RGB, no alpha) with iTXt chunks `keyword → text`. */
export async function encodePngWithText(image: Rgb8Image, text: Readonly<Record<string, string>>): Promise<Uint8Array> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: true })
    .toBuffer()
  const chunks = Object.entries(text).map(([k, v]) => itxtChunk(k, v))
  return insertAfterIhdr(new Uint8Array(png.buffer, png.byteOffset, png.byteLength), chunks)
}
