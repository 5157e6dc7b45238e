/**
 * RGB8 image → model input: resize/crop per the card's policy (geometry from core/preprocess/resize-plan),
 * then normalisation (core/preprocess/normalize). Returns the exact transform, so the overlay can be
 * mapped back onto the original, and the 8-bit "what the model saw" preview.
 */
import sharp from 'sharp'
import type { InputTransform } from '../../core/engine/api'
import { AppError } from '../../core/errors'
import type { Rgb8Image } from '../../core/image/types'
import { normalizeRgb8ToChw, type ChannelStats } from '../../core/preprocess/normalize'
import { planResize, type ResizePolicy } from '../../core/preprocess/resize-plan'
import { DEFAULT_MAX_PIXELS, sharpError } from './decode'
import { tooLargeDetail } from '../image-io/limits'

/** What the card says about the input. */
export interface InputSpec extends ChannelStats {
  readonly width: number
  readonly height: number
  readonly resize: ResizePolicy
}

/** Model input plus provenance. */
export interface ModelInput {
  /** Normalised float32 CHW `[3, height, width]` (batch axis implied). */
  readonly tensor: Float32Array
  /** RGB8 `width × height × 3`, after resize/crop, before normalisation. */
  readonly preview: Uint8Array
  readonly transform: InputTransform
}

/** Resizes and crops with sharp (raw RGB in, raw RGB out), then normalises. */
export async function prepareModelInput(image: Rgb8Image, spec: InputSpec, maxPixels = DEFAULT_MAX_PIXELS): Promise<ModelInput> {
  const { width, height } = image
  if (!(width >= 1 && height >= 1)) throw new AppError('image/empty', { detail: { width, height } })
  if (image.data.length !== width * height * 3) {
    throw new AppError('image/decode-failed', { detail: { reason: 'rgb length mismatch', length: image.data.length } })
  }
  if (width * height > maxPixels) throw new AppError('image/too-large', { detail: tooLargeDetail(width, height, maxPixels) })
  const plan = planResize(width, height, spec.width, spec.height, spec.resize)
  let preview: Uint8Array
  try {
    const { data, info } = await sharp(image.data, { raw: { width, height, channels: 3 }, limitInputPixels: maxPixels })
      .resize(plan.resizeWidth, plan.resizeHeight, { fit: 'fill', kernel: plan.kernel })
      .extract({ left: plan.cropLeft, top: plan.cropTop, width: plan.modelWidth, height: plan.modelHeight })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3 || info.width !== spec.width || info.height !== spec.height) {
      throw new AppError('internal', { detail: { reason: 'resize produced wrong size', info } })
    }
    preview = new Uint8Array(data.buffer, data.byteOffset, data.length)
  } catch (e) {
    throw sharpError(e)
  }
  const tensor = normalizeRgb8ToChw(preview, spec.width, spec.height, spec)
  return {
    tensor,
    preview,
    transform: {
      originalWidth: width,
      originalHeight: height,
      crop: plan.crop,
      modelWidth: spec.width,
      modelHeight: spec.height,
      resize: spec.resize,
      mean: [...spec.mean],
      std: [...spec.std],
    },
  }
}
