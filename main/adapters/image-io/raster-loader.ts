/**
 * PNG / JPEG / WebP / TIFF / GIF through sharp (libvips). EXIF orientation is applied so the image shows
 * the way the camera held it; alpha is flattened onto black; 16-bit and grey inputs become 8-bit sRGB.
 * The pixel limit is checked from the header before any pixel is decoded, so a tiny file that claims
 * 100 000 × 100 000 pixels fails fast with 'image/too-large' instead of exhausting memory; an image within
 * the limit but over MAX_DECODED_RASTER_PIXELS is down-sampled during decoding (meta.downsampledFrom).
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp'
import { ImageIoError, throwIfAborted } from './errors'
import { extensionOf, hasAscii, type ImageLoader, type LoadOptions, type Match, type Probe } from './loader'
import { MAX_DECODED_RASTER_PIXELS, MAX_RASTER_PIXELS, tooLargeDetail } from './limits'
import { colourPresets } from '../../core/image/presets'
import { PhiRecord } from '../../core/image/phi'
import type { LoadedScan } from '../../core/image/scan-types'

type RasterFormat = 'png' | 'jpeg' | 'webp' | 'tiff' | 'gif'

/** Format from magic bytes (PNG signature, JPEG SOI, RIFF/WEBP, TIFF byte-order mark, GIF8). */
export function rasterFormatOf(head: Uint8Array): RasterFormat | undefined {
  if (head[0] === 0x89 && hasAscii(head, 1, 'PNG\r\n\x1a\n')) return 'png'
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  if (hasAscii(head, 0, 'RIFF') && hasAscii(head, 8, 'WEBP')) return 'webp'
  if (hasAscii(head, 0, 'II*\0') || hasAscii(head, 0, 'MM\0*')) return 'tiff'
  if (hasAscii(head, 0, 'GIF87a') || hasAscii(head, 0, 'GIF89a')) return 'gif'
  return undefined
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.jpe', '.webp', '.tif', '.tiff', '.gif'])

/** sharp reports an over-limit input with this text; matched to give the specific code. */
const PIXEL_LIMIT_PATTERN = /pixel limit/i

export const rasterLoader: ImageLoader = {
  id: 'raster',

  match(probe: Probe): Match {
    if (rasterFormatOf(probe.head)) return 'signature'
    return EXTENSIONS.has(extensionOf(probe.name)) ? 'extension' : 'no'
  },

  async load(bytes: Uint8Array, opts: LoadOptions): Promise<LoadedScan> {
    // The content decides the decoder, never the name: libvips would otherwise render whatever it finds
    // (an SVG, with its external references, or a PDF named .png). A name only picks this loader.
    const format = rasterFormatOf(bytes)
    // Documents (SVG, PDF) and text never get here (registry.ts); binary bytes that match no raster signature
    // under a raster name are a damaged file as far as the reader can tell.
    if (format === undefined) throw new ImageIoError('image/decode-failed', { detail: { reason: 'content is not PNG, JPEG, WebP, TIFF or GIF' } })
    const input = { limitInputPixels: MAX_RASTER_PIXELS, failOn: 'error' as const }
    let metadata: Metadata
    try {
      metadata = await sharp(bytes, input).metadata()
      if (metadata.format !== format) {
        throw new ImageIoError('image/unsupported-format', { detail: { reason: `content is ${metadata.format}, not ${format}` } })
      }
    } catch (cause) {
      if (cause instanceof ImageIoError) throw cause
      // sharp checks the pixel limit while reading the header, so an over-large image already fails here.
      if (cause instanceof Error && PIXEL_LIMIT_PATTERN.test(cause.message)) {
        throw new ImageIoError('image/too-large', { detail: { limit: MAX_RASTER_PIXELS, reason: `over the ${MAX_RASTER_PIXELS.toLocaleString('en-US')}-pixel limit` }, cause })
      }
      throw new ImageIoError('image/decode-failed', { detail: { format }, cause })
    }
    const width = metadata.autoOrient?.width ?? metadata.width ?? 0
    const height = metadata.autoOrient?.height ?? metadata.height ?? 0
    if (width * height > MAX_RASTER_PIXELS) {
      throw new ImageIoError('image/too-large', { detail: tooLargeDetail(width, height, MAX_RASTER_PIXELS) })
    }
    const frameCount = metadata.pages ?? 1
    const frame = opts.frame ?? 0
    if (!Number.isInteger(frame) || frame < 0 || frame >= frameCount) {
      throw new ImageIoError('image/frame-out-of-range', { detail: { frame, frameCount } })
    }
    throwIfAborted(opts.signal)
    const scale = Math.min(1, Math.sqrt(MAX_DECODED_RASTER_PIXELS / (width * height)))
    let raw: { data: Buffer; info: OutputInfo }
    try {
      const oriented = sharp(bytes, { ...input, page: frame }).autoOrient()
      const sized = scale < 1 ? oriented.resize(Math.floor(width * scale), Math.floor(height * scale), { fit: 'fill' }) : oriented
      raw = await sized
        .flatten({ background: '#000000' })
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true })
    } catch (cause) {
      const tooLarge = cause instanceof Error && PIXEL_LIMIT_PATTERN.test(cause.message)
      if (tooLarge) throw new ImageIoError('image/too-large', { detail: tooLargeDetail(width, height, MAX_RASTER_PIXELS), cause })
      throw new ImageIoError('image/decode-failed', { detail: { format }, cause })
    }
    throwIfAborted(opts.signal)
    const rgb = toRgb(raw.data, raw.info.channels, raw.info.width * raw.info.height)
    const { presets, defaultPresetId, defaultWindow } = colourPresets()
    return {
      kind: 'raster',
      width: raw.info.width,
      height: raw.info.height,
      frame: { index: frame, count: frameCount },
      pixels: { kind: 'rgb', rgb },
      modality: 'OT',
      photometric: 'RGB',
      unit: '',
      defaultWindow,
      defaultPresetId,
      presets,
      voiFunction: 'LINEAR',
      voiLuts: [],
      isInvertedByPhotometric: false,
      meta: {
        format: metadata.format ?? format,
        width: raw.info.width,
        height: raw.info.height,
        sourceColourSpace: metadata.space ?? 'unknown',
        sourceBitDepth: metadata.depth ?? 'unknown',
        exifOrientation: metadata.orientation ?? 1,
        pages: frameCount,
        ...(scale < 1 ? { downsampledFrom: `${width}×${height}` } : {}),
      },
      // EXIF/XMP can name a person or a place; none of it is read, so there is nothing to keep here.
      phi: new PhiRecord(),
    }
  },
}

/** sharp returns 3 channels after toColourspace('srgb'); 1 and 4 are handled in case a libvips build differs. */
function toRgb(data: Buffer, channels: number, pixelCount: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, pixelCount * 3).slice()
  const out = new Uint8Array(pixelCount * 3)
  for (let i = 0; i < pixelCount; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + (channels >= 3 ? c : 0)] as number
  }
  return out
}
