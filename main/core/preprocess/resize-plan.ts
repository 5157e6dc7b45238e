/**
 * Geometry of the three preprocessing variants of ALGORITHMS.md §1.2, as pure data: how big to resize,
 * where to crop, and which rectangle of the original image ends up in the model input.
 * The pixel resampling itself is done by sharp in `adapters/preprocess` (its kernels differ from PIL's;
 * §1.2 parity advice: parity tests feed the same tensor, resizing is tested on its own).
 */
import { AppError } from '../errors'

/** Resize policies a model card may name (`input.resize`). */
export const RESIZE_POLICIES = ['resize-shorter-center-crop', 'resize-256-center-crop', 'stretch'] as const
/** One of {@link RESIZE_POLICIES}. */
export type ResizePolicy = (typeof RESIZE_POLICIES)[number]

/** Interpolation kernel; sharp names. */
export type ResizeKernel = 'linear' | 'cubic'

/** Crop rectangle in original-image pixels (may be fractional: it is the exact pre-image of the crop). */
export interface CropRect { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/** What to do with an image of a given size. */
export interface ResizePlan {
  readonly policy: ResizePolicy
  readonly kernel: ResizeKernel
  /** Size of the intermediate resized image. */
  readonly resizeWidth: number
  readonly resizeHeight: number
  /** Integer crop in resized pixels (`modelWidth × modelHeight`). */
  readonly cropLeft: number
  readonly cropTop: number
  readonly modelWidth: number
  readonly modelHeight: number
  /** The same crop in original pixels. */
  readonly crop: CropRect
}

/** Type guard for card values. */
export function isResizePolicy(value: unknown): value is ResizePolicy {
  return typeof value === 'string' && (RESIZE_POLICIES as readonly string[]).includes(value)
}

/** Python's `round()` (half to even), which torchvision's CenterCrop uses for the crop offset. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * torchvision `Resize(size)` for an int size: the shorter side becomes `size`, the longer one
 * `int(size·long/short)` (truncated, not rounded).
 */
function shorterSide(width: number, height: number, size: number): [number, number] {
  if (width <= height) return [size, Math.floor((size * height) / width)]
  return [Math.floor((size * width) / height), size]
}

/**
 * Plans the resize/crop for an `originalWidth × originalHeight` image.
 * - `resize-shorter-center-crop` (§1.2 row 1, XAI notebooks): shorter side → model size, bilinear, centre crop.
 * - `resize-256-center-crop` (§1.2 row 2, Vim accuracy): shorter side → ⌊size/0.875⌋, bicubic, centre crop.
 * - `stretch` (§1.2 row 3, perturbation/segmentation tests): `Resize((H, W))`, aspect ratio not kept.
 * Non-square model inputs use "cover" scaling for the two crop policies (no reference exists for them).
 */
export function planResize(originalWidth: number, originalHeight: number, modelWidth: number, modelHeight: number, policy: ResizePolicy): ResizePlan {
  if (!(originalWidth >= 1 && originalHeight >= 1 && Number.isInteger(originalWidth) && Number.isInteger(originalHeight))) {
    throw new AppError('image/empty', { detail: { originalWidth, originalHeight } })
  }
  if (policy === 'stretch') {
    return {
      policy, kernel: 'linear', resizeWidth: modelWidth, resizeHeight: modelHeight, cropLeft: 0, cropTop: 0,
      modelWidth, modelHeight, crop: { x: 0, y: 0, width: originalWidth, height: originalHeight },
    }
  }
  const kernel: ResizeKernel = policy === 'resize-256-center-crop' ? 'cubic' : 'linear'
  const grow = policy === 'resize-256-center-crop' ? 1 / 0.875 : 1
  let resizeWidth: number
  let resizeHeight: number
  if (modelWidth === modelHeight) {
    ;[resizeWidth, resizeHeight] = shorterSide(originalWidth, originalHeight, Math.floor(modelWidth * grow))
  } else {
    const scale = Math.max(modelWidth / originalWidth, modelHeight / originalHeight) * grow
    resizeWidth = Math.max(modelWidth, Math.round(originalWidth * scale))
    resizeHeight = Math.max(modelHeight, Math.round(originalHeight * scale))
  }
  const cropLeft = roundHalfEven((resizeWidth - modelWidth) / 2)
  const cropTop = roundHalfEven((resizeHeight - modelHeight) / 2)
  const sx = resizeWidth / originalWidth
  const sy = resizeHeight / originalHeight
  return {
    policy, kernel, resizeWidth, resizeHeight, cropLeft, cropTop, modelWidth, modelHeight,
    crop: { x: cropLeft / sx, y: cropTop / sy, width: modelWidth / sx, height: modelHeight / sy },
  }
}
