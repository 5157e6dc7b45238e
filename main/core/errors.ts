/**
 * Typed, coded application errors with one table of user-facing sentences (STYLE.md §2.5).
 * Pure: no Node, no Electron. Other layers may add codes here; every code needs a sentence.
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
  | 'image/not-found'
  | 'image/not-loaded'
  | 'image/unsupported-format'
  | 'image/decode-failed'
  | 'image/empty'
  | 'image/too-large'
  | 'image/dicom-invalid'
  | 'image/dicom-compressed-unsupported'
  | 'image/dicom-unsupported-pixel-format'
  | 'image/nifti-invalid'
  | 'explain/unknown-method'
  | 'explain/missing-tap'
  | 'explain/tap-shape'
  | 'explain/layer-range'
  | 'explain/target-class'
  | 'explain/invalid-token'
  | 'explain/method-unsupported'
  | 'run/cancelled'
  | 'run/timeout'
  | 'export/phi-detected'
  | 'export/burned-in-annotation'
  | 'export/invalid-request'
  | 'export/write-failed'
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
  'image/not-found': 'The image file could not be found. It may have been moved or deleted.',
  'image/not-loaded': 'No image is loaded. Open an image first.',
  'image/unsupported-format': 'This file format is not supported. Use PNG, JPEG, DICOM or NIfTI.',
  'image/decode-failed': 'The image could not be decoded. The file may be damaged; try exporting it again.',
  'image/empty': 'The image has no pixels. Choose another image.',
  'image/too-large': 'The image is too large to open. Reduce its size and try again.',
  'image/dicom-invalid': 'This DICOM file could not be read. The file may be damaged or not a DICOM image.',
  'image/dicom-compressed-unsupported':
    'This DICOM uses a compression that is not supported yet. Export it uncompressed and try again.',
  'image/dicom-unsupported-pixel-format':
    'This DICOM stores its pixels in a format the app cannot display. Convert it to a standard grayscale or RGB image.',
  'image/nifti-invalid': 'This NIfTI file could not be read. The file may be damaged or not a NIfTI volume.',
  'explain/unknown-method': 'This explanation method is not known. Choose a method from the list.',
  'explain/missing-tap':
    'The model does not provide the data this explanation method needs. Choose another method or another model.',
  'explain/tap-shape': 'The model produced data of an unexpected size for this method. Re-export the model.',
  'explain/layer-range':
    'The chosen layer range is not available for this method. Pick layers within the range the model supports.',
  'explain/target-class': 'The chosen class does not exist in this model. Pick a class from the list.',
  'explain/invalid-token': 'That position is outside the image grid. Pick a patch inside the image.',
  'explain/method-unsupported': 'This explanation method is not available for this model. Choose another method.',
  'run/cancelled': 'The run was cancelled.',
  'run/timeout': 'The run took too long and was stopped. Try again, or use a smaller model.',
  'export/phi-detected':
    'The figure would contain patient details (in its file name, caption or metadata), so nothing was written. Remove them and export again.',
  'export/burned-in-annotation':
    'The source image is marked as having patient details burned into its pixels, so it was not exported. Confirm the pixels are free of patient details to export anyway.',
  'export/invalid-request':
    'The export settings are incomplete. Choose at least one format and a method that is shown, then export again.',
  'export/write-failed': 'The figure could not be written to the chosen folder. Check that the folder exists and is writable, then try again.',
  internal: 'Something went wrong inside the app. Try again; if it keeps happening, send the log file to support.',
}

/** Options of {@link AppError}: `detail` is for logs (never shown to the user), `cause` keeps the original. */
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
    super(messages[code])
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
