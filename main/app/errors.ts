/**
 * One place that turns anything thrown in main into the page's `ErrorDto` (STYLE.md §2.5): known `AppError`s
 * keep their code and user sentence (the core table's, filled only from allow-listed technical detail keys,
 * e.g. the transfer syntax an image loader could not decode); everything else becomes `internal` and is
 * logged in full here, because the page only ever sees the sentence.
 */
import { isAppError, messages } from '../core/errors'
import type { Logger } from '../core/log'
import { ERROR_CODES, type ErrorCode, type ErrorDto } from '../../preload/contract'

/** Codes added by the IPC layer, with their sentences (what happened, then what to do). */
const APP_MESSAGES = {
  'ipc/invalid-request': 'The app sent a request it does not understand. Reload the window; if it keeps happening, restart the app.',
  'ipc/forbidden': 'This request did not come from the Mamba Lens window and was refused.',
  'ipc/unsupported': 'This action is not available here. Use drag and drop or the Open button instead.',
} as const satisfies Partial<Record<ErrorCode, string>>

/** Error thrown by the IPC layer itself (validation, sender check). */
export class IpcError extends Error {
  readonly code: keyof typeof APP_MESSAGES
  constructor(code: keyof typeof APP_MESSAGES, readonly detail?: Readonly<Record<string, unknown>>) {
    super(APP_MESSAGES[code])
    this.name = 'IpcError'
    this.code = code
  }
}

const KNOWN = new Set<string>(ERROR_CODES)

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code)
}

/** An abort from an `AbortSignal` (DOMException 'AbortError') means the user cancelled. */
function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR')
}

/** Maps a thrown value to what the page shows; logs unexpected errors with their stack (never sent to the page). */
export function toErrorDto(err: unknown, log: Logger, fields: Readonly<Record<string, unknown>> = {}): ErrorDto {
  if (err instanceof IpcError) {
    log.warn(err.message, { ...fields, code: err.code, detail: err.detail })
    return { code: err.code, message: APP_MESSAGES[err.code] }
  }
  if (isAbort(err)) return { code: 'run/cancelled', message: messages['run/cancelled'] }
  if (isAppError(err) && isErrorCode(err.code)) {
    if (err.code !== 'run/cancelled') log.warn(err.message, { ...fields, code: err.code, detail: err.detail })
    return { code: err.code, message: err.message }
  }
  const e = err instanceof Error ? err : new Error(String(err))
  log.error('unexpected error', { ...fields, name: e.name, error: e.message, stack: e.stack })
  return { code: 'internal', message: messages.internal }
}
