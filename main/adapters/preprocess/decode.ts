/**
 * Raster decoding with sharp: PNG, JPEG, WebP, TIFF, GIF (first frame), AVIF/HEIF where this sharp build
 * has the codec, SVG (rasterised). The result is always 8-bit interleaved RGB:
 * - EXIF orientation is applied (`rotate()`), so "what the model saw" matches what viewers show;
 * - grayscale (incl. 16-bit) becomes 3 identical channels;
 * - alpha is flattened onto **black** (documented choice: black is also what zero padding / masked
 *   pixels look like after normalisation, and white backgrounds would brighten transparent scans);
 * - images above `maxPixels` (default 100 MP) are refused before decoding (`image/too-large`).
 */
import sharp from 'sharp'
import { AppError, isAppError } from '../../core/errors'
import type { Rgb8Image } from '../../core/image/types'
import { tooLargeDetail } from '../image-io/limits'

/** Default pixel limit (width × height) for decoded images. */
export const DEFAULT_MAX_PIXELS = 100_000_000

/** A decoded image and facts about its source (no path, no metadata values beyond these). */
export interface DecodedImage {
  readonly image: Rgb8Image
  /** sharp's format id, e.g. 'png', 'jpeg', 'webp', 'tiff', 'gif', 'heif', 'svg'. */
  readonly format: string
  readonly hadAlpha: boolean
  /** EXIF orientation tag (1–8) that was applied, if any. */
  readonly orientation?: number
}

/** Maps sharp/libvips errors onto our codes; the original stays in `cause`. */
export function sharpError(e: unknown): AppError {
  if (isAppError(e)) return e
  const text = e instanceof Error ? e.message : String(e)
  if (/pixel limit/i.test(text)) return new AppError('image/too-large', { detail: { reason: 'over the pixel limit' }, cause: e })
  if (/unsupported image format/i.test(text)) return new AppError('image/unsupported-format', { cause: e })
  if (/empty/i.test(text)) return new AppError('image/empty', { cause: e })
  return new AppError('image/decode-failed', { cause: e })
}

/** Decodes encoded image bytes to RGB8. Throws `image/*` AppErrors only. */
export async function decodeImage(bytes: Uint8Array, options: { maxPixels?: number } = {}): Promise<DecodedImage> {
  if (bytes.length === 0) throw new AppError('image/empty', { detail: { reason: 'zero bytes' } })
  const limitInputPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  try {
    // failOn 'error' (not the default 'warning'): slightly non-conforming but displayable files still open,
    // truncated ones do not.
    const input = sharp(bytes, { limitInputPixels, failOn: 'error', pages: 1 })
    const meta = await input.metadata()
    if (meta.width === undefined || meta.height === undefined || meta.width < 1 || meta.height < 1) {
      throw new AppError('image/empty', { detail: { reason: 'no dimensions' } })
    }
    if (meta.width * meta.height > limitInputPixels) {
      throw new AppError('image/too-large', { detail: tooLargeDetail(meta.width, meta.height, limitInputPixels) })
    }
    const { data, info } = await input
      .rotate()
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new AppError('image/decode-failed', { detail: { reason: 'unexpected channel count', channels: info.channels } })
    }
    const orientation = meta.orientation
    return {
      image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) },
      format: meta.format ?? 'unknown',
      hadAlpha: meta.hasAlpha === true,
      ...(orientation !== undefined ? { orientation } : {}),
    }
  } catch (e) {
    throw sharpError(e)
  }
}
