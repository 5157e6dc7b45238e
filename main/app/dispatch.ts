/**
 * The single path every request takes, whichever transport carried it (Electron IPC or the browser bridge):
 * known channel → schema → handler → `Result`, with one log line per call (channel, duration, error code).
 * Keeping it transport-free is what lets browser mode run "the same main-process core" as Electron.
 */
import type { Logger } from '../core/log'
import {
  INVOKE_CHANNELS,
  type EventChannel,
  type EventContract,
  type InvokeChannel,
  type ReqOf,
  type ResOf,
  type Result,
} from '../../preload/contract'
import { IpcError, toErrorDto } from './errors'
import { parseRequest } from './schemas'

/** What a handler may use besides its request. */
export interface CallContext {
  /** Sends an event to the caller that made this request (never to other windows or clients). */
  emit<E extends EventChannel>(channel: E, payload: EventContract[E]): void
}

export type Handler<C extends InvokeChannel> = (req: ReqOf<C>, ctx: CallContext) => Promise<ResOf<C>>
export type Handlers = { readonly [C in InvokeChannel]: Handler<C> }

/** Validated, logged, never-throwing entry point for one call. */
export type Dispatch = (channel: string, raw: unknown, ctx: CallContext) => Promise<Result<unknown>>

const KNOWN = new Set<string>(INVOKE_CHANNELS)

export function isInvokeChannel(channel: string): channel is InvokeChannel {
  return KNOWN.has(channel)
}

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  const ipcLog = log.child('ipc')
  return async (channel, raw, ctx) => {
    const t0 = performance.now()
    try {
      if (!isInvokeChannel(channel)) throw new IpcError('ipc/invalid-request', { channel: channel.slice(0, 64) })
      const parsed = parseRequest(channel, raw)
      if (!parsed.ok) throw new IpcError('ipc/invalid-request', { channel, issues: parsed.issues })
      // The handler table is indexed by the same channel the schema was chosen by, so the request types agree.
      const handler = handlers[channel] as Handler<InvokeChannel>
      const value = await handler(parsed.req as never, ctx)
      ipcLog.debug('ok', { channel, durationMs: Math.round(performance.now() - t0) })
      return { ok: true, value }
    } catch (err) {
      const error = toErrorDto(err, ipcLog, { channel })
      ipcLog.debug('failed', { channel, code: error.code, durationMs: Math.round(performance.now() - t0) })
      return { ok: false, error }
    }
  }
}

/**
 * A dispatcher usable before the services exist: calls wait for `ready`. The window is shown (and answers
 * with a progress state) while the model loads; if start-up failed, every call reports that failure in words.
 */
export function deferredDispatch(ready: Promise<Dispatch>, log: Logger): Dispatch {
  return async (channel, raw, ctx) => {
    let dispatch: Dispatch
    try {
      dispatch = await ready
    } catch (err) {
      return { ok: false, error: toErrorDto(err, log.child('startup'), { channel }) }
    }
    return dispatch(channel, raw, ctx)
  }
}
