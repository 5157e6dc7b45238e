/**
 * Typed, coded application errors with one table of user-facing sentences (STYLE.md §2.5).
 * Pure: no Node, no Electron. Other layers add their codes here (the image loaders' `image/*` codes
 * included); every code needs a sentence. A sentence may name technical facts (a format, a codec, a size)
 * through `{key}` placeholders, filled only from the allow-listed detail keys in SAFE_DETAIL_KEYS.
 */

/** Stable error codes (`domain/reason`), shared by core, adapters, worker, IPC and UI. */
export type ErrorCode =
  | 'model/not-found'
  | 'model/load-failed'
  | 'model/manifest-invalid'
  | 'model/manifest-mismatch'
  | 'model/hash-mismatch'
  | 'model/output-missing'
  | 'model/output-shape'
  | 'model/unsupported-layout'
  | 'model/provider-unavailable'
  | 'model/inference-failed'
  | 'model/no-classifier'
  | 'model/weights-mismatch'
  | 'image/not-found'
  | 'image/not-loaded'
  | 'image/unsupported-format'
  | 'image/decode-failed'
  | 'image/empty'
  | 'image/too-large'
  | 'image/frame-out-of-range'
  | 'image/slice-out-of-range'
  | 'image/dicom-malformed'
  | 'image/dicom-no-pixel-data'
  | 'image/dicom-truncated-pixel-data'
  | 'image/dicom-unsupported-transfer-syntax'
  | 'image/dicom-unsupported-pixel-format'
  | 'image/dicom-decode-failed'
  | 'image/nifti-malformed'
  | 'image/nifti-unsupported-datatype'
  | 'image/empty-file'
  | 'image/text-file'
  | 'explain/unknown-method'
  | 'explain/missing-tap'
  | 'explain/tap-shape'
  | 'explain/layer-range'
  | 'explain/target-class'
  | 'explain/invalid-token'
  | 'explain/method-unsupported'
  | 'run/not-found'
  | 'run/cancelled'
  | 'run/timeout'
  | 'export/phi-detected'
  | 'export/burned-in-annotation'
  | 'export/invalid-request'
  | 'export/write-failed'
  | 'export/phi-pattern'
  | 'export/burned-in-text'
  | 'internal'

/** What happened, then what to do. No paths, tag values or stack traces (STYLE.md §2.5). */
export const messages: Readonly<Record<ErrorCode, string>> = {
  'model/not-found': 'The model file could not be found. Check the models folder and restart the app.',
  'model/load-failed': 'The model could not be loaded. The file may be damaged; reinstall or re-export it.',
  'model/manifest-invalid': 'The model card is missing or unreadable. Re-export the model with its card.',
  'model/manifest-mismatch':
    'The model does not match its card (inputs or outputs differ). Re-export the model and its card together.',
  'model/hash-mismatch': 'The model file does not match the checksum in its card. Replace the file with the original.',
  'model/output-missing':
    'The model did not produce an output this explanation needs. Choose another method or re-export the model.',
  'model/output-shape': 'The model produced an output of an unexpected size. Re-export the model with its card.',
  'model/unsupported-layout':
    'This model uses a token layout the app does not support. Use a model with a supported patch grid.',
  'model/provider-unavailable':
    'The selected compute backend is not available on this computer. The app can run on the CPU instead.',
  'model/inference-failed': 'The model failed while running on this image. Try again, or try another image.',
  'model/no-classifier': 'This model has no batch classifier graph, which this check needs. Re-export the model with its classifier variant.',
  'model/weights-mismatch':
    'A graph of this model reads its weights from a file that is not this model\'s explainer graph, or from another version of it. Re-export the model and all its graphs together.',
  'image/not-found': 'The image file could not be found. It may have been moved or deleted.',
  'image/not-loaded': 'No image is loaded. Open an image first.',
  'image/unsupported-format':
    'This file is not an image the app can read (PNG, JPEG, WebP, TIFF, GIF, DICOM or NIfTI). Check that you picked the right file.',
  'image/decode-failed': 'The image could not be decoded. The file may be damaged; try exporting it again.',
  'image/empty': 'The image has no pixels. Choose another image.',
  'image/too-large': 'This image is too large to open ({reason}). Export a smaller or cropped version and try again.',
  'image/frame-out-of-range': 'Frame {frame} does not exist; this file has {frameCount} frame(s). Pick a frame from the list.',
  'image/slice-out-of-range':
    'Slice {index} on axis {axis} does not exist (this axis has {count} slices). Pick a slice from the slider.',
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
  'image/empty-file': 'The file is empty (0 bytes), so there is no image in it. Choose the file again; if it was still being copied, wait until the copy has finished.',
  'image/text-file':
    'This is a text file, not an image: it holds only readable characters. Choose the image itself (PNG, JPEG, WebP, TIFF, GIF, DICOM or NIfTI).',
  'image/nifti-malformed': 'This NIfTI file is damaged or incomplete and could not be read. Export it again and retry.',
  'image/nifti-unsupported-datatype':
    'This NIfTI volume uses a voxel type the app cannot display ({datatype}). Convert it to an integer or float volume and try again.',
  'explain/unknown-method': 'This explanation method is not known. Choose a method from the list.',
  'explain/missing-tap':
    'The model does not provide the data this explanation method needs. Choose another method or another model.',
  'explain/tap-shape': 'The model produced data of an unexpected size for this method. Re-export the model.',
  'explain/layer-range':
    'The chosen layer range is not available for this method. Pick layers within the range the model supports.',
  'explain/target-class': 'The chosen class does not exist in this model. Pick a class from the list.',
  'explain/invalid-token': 'That position is outside the image grid. Pick a patch inside the image.',
  'explain/method-unsupported': 'This explanation method is not available for this model. Choose another method.',
  'run/not-found': 'This explanation is no longer available (unknown or expired run). Run the explanation again.',
  'run/cancelled': 'The run was cancelled.',
  'run/timeout': 'The run took too long and was stopped. Try again, or use a smaller model.',
  'export/phi-detected':
    'The figure would contain patient details (in its file name, caption or metadata), so nothing was written. Remove them and export again.',
  'export/burned-in-annotation':
    'The source image is marked as having patient details burned into its pixels, so it was not exported. Confirm the pixels are free of patient details to export anyway.',
  'export/invalid-request':
    'The export settings are incomplete. Choose at least one format and a method that is shown, then export again.',
  'export/phi-pattern':
    'Your caption or file name looks like it contains patient details ({kinds}), so nothing was written. Remove them and export again.',
  'export/burned-in-text':
    'The image has {count} line(s) of text burned into its pixels, which may identify the patient, so nothing was written. Mask the text, or confirm it carries no patient details.',
  'export/write-failed': 'The figure could not be written to the chosen folder. Check that the folder exists and is writable, then try again.',
  internal: 'Something went wrong inside the app. Try again; if it keeps happening, send the log file to support.',
}

/**
 * Detail keys whose values may appear in user text (through `{key}` placeholders): technical facts such as
 * format and codec names and numbers, never a tag value or name that could identify a patient.
 */
export const SAFE_DETAIL_KEYS: ReadonlySet<string> = new Set([
  'format', 'transferSyntax', 'transferSyntaxUid', 'reason', 'width', 'height', 'limit', 'frame', 'frameCount',
  'datatype', 'index', 'axis', 'count', 'expectedBytes', 'actualBytes', 'codec',
  // Our own words for what a caption looks like it holds ('a date, a record number'), never the matched text.
  'kinds',
])

/** The sentence of `code` with its placeholders filled from the safe keys of `detail`; a missing one reads "unknown". */
export function messageFor(code: ErrorCode, detail: Readonly<Record<string, unknown>> = {}): string {
  return messages[code].replace(/\{(\w+)\}/g, (_m, key: string) => {
    const v = SAFE_DETAIL_KEYS.has(key) ? detail[key] : undefined
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : 'unknown'
  })
}

/**
 * Options of {@link AppError}: `detail` is for logs; only its SAFE_DETAIL_KEYS can reach the user text.
 * `cause` keeps the original.
 */
export interface AppErrorOptions {
  readonly detail?: Readonly<Record<string, unknown>>
  readonly cause?: unknown
}

/** An expected, explained failure. `message` is the user-facing sentence of `code` (STYLE.md §2.5). */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly detail?: Readonly<Record<string, unknown>>
  override readonly cause?: unknown

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(messageFor(code, options.detail))
    this.name = 'AppError'
    this.code = code
    if (options.detail !== undefined) this.detail = options.detail
    if (options.cause !== undefined) this.cause = options.cause
  }
}

/** Type guard usable across module copies (checks the shape, not `instanceof`). */
export function isAppError(value: unknown): value is AppError {
  if (!(value instanceof Error)) return false
  const code = (value as { code?: unknown }).code
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(messages, code)
}

/** Wraps anything that is not an {@link AppError} into `internal`, keeping it as `cause`. */
export function toAppError(value: unknown): AppError {
  return isAppError(value) ? value : new AppError('internal', { cause: value })
}
