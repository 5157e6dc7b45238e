/** Test helpers: the error code a promise rejects with (undefined when it resolves). */
import { isAppError } from '../../main/core/errors'

/** AppError code, or the stringified value for anything else. */
export async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (e) {
    return isAppError(e) ? e.code : String(e)
  }
  return undefined
}
