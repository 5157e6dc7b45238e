/**
 * The image loaders' error (STYLE.md §2.5): an AppError whose code is one of the `image/*` codes of the one
 * error table in main/core/errors.ts. Its sentence may name the format, codec or size: core fills it only
 * from the allow-listed detail keys (SAFE_DETAIL_KEYS), never from tag values that could identify a patient.
 */
import { AppError, type ErrorCode } from '../../core/errors'

/** The codes a loader may raise. */
export type ImageIoErrorCode = Extract<ErrorCode, `image/${string}`>

export type ErrorDetail = Readonly<Record<string, string | number | boolean>>

/** A loader failure: an AppError with an `image/*` code and technical (never identifying) detail. */
export class ImageIoError extends AppError {
  override readonly detail: ErrorDetail

  constructor(code: ImageIoErrorCode, opts: { detail?: ErrorDetail; cause?: unknown } = {}) {
    super(code, { detail: opts.detail ?? {}, ...(opts.cause === undefined ? {} : { cause: opts.cause }) })
    this.name = 'ImageIoError'
    this.detail = opts.detail ?? {}
  }
}

/** Narrowing guard for callers (IPC boundary, tests). */
export function isImageIoError(e: unknown): e is ImageIoError {
  return e instanceof ImageIoError
}

/** Throws 'run/cancelled' if the signal fired: called between the expensive steps of every loader. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('run/cancelled', { detail: { reason: 'image load aborted' } })
}
