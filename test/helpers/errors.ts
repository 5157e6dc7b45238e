/** Test helpers: the error code a promise rejects with (undefined when it resolves). */
import { isImageIoError } from '../../main/adapters/image-io/errors'
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

/** The loader-specific `imageCode` of an ImageIoError (main/adapters/image-io/errors.ts). */
export async function imageCodeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(() => undefined, (err: unknown) => err)
  return isImageIoError(e) ? e.imageCode : String(e)
}
