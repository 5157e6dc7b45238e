/**
 * Documented exit codes of `mamba-lens` (scripts rely on them; never renumber):
 *   0 ok · 1 internal error · 2 usage (bad flags, unknown method, class out of range) ·
 *   3 input error (image unreadable, empty, too large, unsupported; bad tensor; a figure that would carry
 *     patient data, or a source marked BurnedInAnnotation YES) ·
 *   4 model error (missing, hash/card mismatch, load or inference failure) · 5 cancelled/interrupted.
 * Figure export: export/invalid-request → 2, export/phi-detected and export/burned-in-annotation → 3,
 * export/write-failed → 1 (the folder is the problem, not the input).
 * Every error also prints one stable line on stderr: `mamba-lens: error [<code>] <message>`.
 */
import { isAppError, messages, type ErrorCode } from '../core/errors'

export const EXIT = { ok: 0, internal: 1, usage: 2, input: 3, model: 4, cancelled: 5 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A command-line mistake (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

const USAGE_CODES: readonly ErrorCode[] = [
  'explain/target-class', 'explain/unknown-method', 'explain/method-unsupported', 'explain/layer-range', 'explain/invalid-token',
  'export/invalid-request',
]
/** The input itself cannot be exported as asked (patient data would leak): like an unreadable file, per input. */
const INPUT_CODES: readonly ErrorCode[] = ['export/phi-detected', 'export/burned-in-annotation']

/** Exit code of an error code. */
export function exitCodeOf(code: ErrorCode): ExitCode {
  if (code === 'run/cancelled' || code === 'run/timeout') return EXIT.cancelled
  if (USAGE_CODES.includes(code)) return EXIT.usage
  if (code.startsWith('image/') || INPUT_CODES.includes(code)) return EXIT.input
  if (code.startsWith('model/') || code === 'explain/missing-tap' || code === 'explain/tap-shape') return EXIT.model
  return EXIT.internal
}

/** `[code, user message, exit code]` of anything thrown. */
export function describe(e: unknown): { code: string; message: string; exit: ExitCode } {
  if (e instanceof UsageError) return { code: 'usage', message: e.message, exit: EXIT.usage }
  // The table's sentence, filled from allow-listed technical detail only (main/core/errors.ts).
  if (isAppError(e)) return { code: e.code, message: e.message, exit: exitCodeOf(e.code) }
  return { code: 'internal', message: messages.internal, exit: EXIT.internal }
}

/** The more serious of two exit codes (for a batch: cancelled > model > internal > input > usage > ok). */
export function worst(a: ExitCode, b: ExitCode): ExitCode {
  const rank: Record<ExitCode, number> = { 0: 0, 2: 1, 3: 2, 1: 3, 4: 4, 5: 5 }
  return rank[b] > rank[a] ? b : a
}
