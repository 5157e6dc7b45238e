/**
 * Error codes of the image loaders with their user-facing text (STYLE.md §2.5).
 * `ImageIoError` IS an `AppError` (main/core/errors.ts): `code` is the nearest core code, so the IPC
 * boundary and the error presenter handle it like any other AppError. The loader-specific `imageCode`
 * and its sentence (`message`, which may name the transfer syntax) are kept because the issue asks for a
 * specific, tested error per failure. Proposal for the lead: add these codes and sentences to core's
 * `ErrorCode`/`messages` and drop CORE_CODE below.
 */
import { AppError, type ErrorCode } from '../../core/errors'

export type ImageIoErrorCode =
  | 'image/unsupported-format'
  | 'image/too-large'
  | 'image/raster-decode-failed'
  | 'image/dicom-malformed'
  | 'image/dicom-no-pixel-data'
  | 'image/dicom-truncated-pixel-data'
  | 'image/dicom-unsupported-transfer-syntax'
  | 'image/dicom-unsupported-pixel-format'
  | 'image/dicom-decode-failed'
  | 'image/frame-out-of-range'
  | 'image/nifti-malformed'
  | 'image/nifti-unsupported-datatype'
  | 'image/slice-out-of-range'
  | 'image/aborted'

/**
 * What happened, then what to do. `{name}` placeholders are filled only from the detail keys listed in
 * SAFE_DETAIL_KEYS (format and codec names, numbers) — never tag values that could identify a patient.
 */
export const IMAGE_IO_MESSAGES: Readonly<Record<ImageIoErrorCode, string>> = {
  'image/unsupported-format':
    'This file is not an image the app can read (PNG, JPEG, WebP, TIFF, GIF, DICOM or NIfTI). Check that you picked the right file.',
  'image/too-large':
    'This image is too large to open ({reason}). Export a smaller or cropped version and try again.',
  'image/raster-decode-failed':
    'This {format} image could not be decoded; the file may be damaged. Export it again and retry.',
  'image/dicom-malformed':
    'This DICOM file is damaged or incomplete and could not be read. Copy it again from the source (PACS or CD) and retry.',
  'image/dicom-no-pixel-data':
    'This DICOM file holds no image (for example a report or a structured document). Open an image series instead.',
  'image/dicom-truncated-pixel-data':
    'The image data in this DICOM file is shorter than its header says; the file was probably cut off. Copy it again and retry.',
  'image/dicom-unsupported-transfer-syntax':
    'This DICOM uses {transferSyntax} compression, which is not supported. Export it uncompressed (or as JPEG 2000 / JPEG-LS) and try again.',
  'image/dicom-unsupported-pixel-format':
    'This DICOM stores its pixels in a way the app cannot display ({reason}). Export it as a standard greyscale or RGB image and try again.',
  'image/dicom-decode-failed':
    'The {transferSyntax} image data in this DICOM file could not be decoded; the file may be damaged. Copy it again and retry.',
  'image/frame-out-of-range':
    'Frame {frame} does not exist; this file has {frameCount} frame(s). Pick a frame from the list.',
  'image/nifti-malformed':
    'This NIfTI file is damaged or incomplete and could not be read. Export it again and retry.',
  'image/nifti-unsupported-datatype':
    'This NIfTI volume uses a voxel type the app cannot display ({datatype}). Convert it to an integer or float volume and try again.',
  'image/slice-out-of-range':
    'Slice {index} on axis {axis} does not exist (this axis has {count} slices). Pick a slice from the slider.',
  'image/aborted': 'Opening the image was cancelled.',
}

/** Detail keys whose values may appear in user text and logs: technical, never identifying. */
const SAFE_DETAIL_KEYS = new Set([
  'format', 'transferSyntax', 'transferSyntaxUid', 'reason', 'width', 'height', 'limit', 'frame', 'frameCount',
  'datatype', 'index', 'axis', 'count', 'expectedBytes', 'actualBytes', 'codec',
])

export type ErrorDetail = Readonly<Record<string, string | number | boolean>>

/** Fills the message template of `code` from the safe keys of `detail`; unknown placeholders read "unknown". */
export function imageIoMessage(code: ImageIoErrorCode, detail: ErrorDetail = {}): string {
  return IMAGE_IO_MESSAGES[code].replace(/\{(\w+)\}/g, (_m, key: string) => {
    const v = SAFE_DETAIL_KEYS.has(key) ? detail[key] : undefined
    return v === undefined ? 'unknown' : String(v)
  })
}

/** Nearest core code for each loader code (what the app's error presenter keys on). */
const CORE_CODE: Readonly<Record<ImageIoErrorCode, ErrorCode>> = {
  'image/unsupported-format': 'image/unsupported-format',
  'image/too-large': 'image/too-large',
  'image/raster-decode-failed': 'image/decode-failed',
  'image/dicom-malformed': 'image/dicom-invalid',
  'image/dicom-no-pixel-data': 'image/empty',
  'image/dicom-truncated-pixel-data': 'image/dicom-invalid',
  'image/dicom-unsupported-transfer-syntax': 'image/dicom-compressed-unsupported',
  'image/dicom-unsupported-pixel-format': 'image/dicom-unsupported-pixel-format',
  'image/dicom-decode-failed': 'image/decode-failed',
  // A frame or slice the file does not have can only be asked for by a caller bug (the UI lists valid ones).
  'image/frame-out-of-range': 'internal',
  'image/nifti-malformed': 'image/nifti-invalid',
  'image/nifti-unsupported-datatype': 'image/nifti-invalid',
  'image/slice-out-of-range': 'internal',
  'image/aborted': 'run/cancelled',
}

/** A loader failure: an AppError whose `imageCode` is specific and whose `message` is the specific sentence. */
export class ImageIoError extends AppError {
  readonly imageCode: ImageIoErrorCode
  override readonly detail: ErrorDetail

  constructor(code: ImageIoErrorCode, opts: { detail?: ErrorDetail; cause?: unknown } = {}) {
    super(CORE_CODE[code], opts.cause === undefined ? {} : { cause: opts.cause })
    this.name = 'ImageIoError'
    this.imageCode = code
    this.detail = opts.detail ?? {}
    this.message = imageIoMessage(code, this.detail)
  }
}

/** Narrowing guard for callers (IPC boundary, tests). */
export function isImageIoError(e: unknown): e is ImageIoError {
  return e instanceof ImageIoError
}

/** Throws 'image/aborted' if the signal fired: called between the expensive steps of every loader. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImageIoError('image/aborted')
}
