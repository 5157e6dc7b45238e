/**
 * Runs `exportFigure` off main's event loop. Composition is synchronous in the core (about 5 s for two
 * 2048×2500 panels in every format, docs/EXPORT.md "Known limits"); in Electron's main process that would
 * freeze every window, and in browser mode it would stall the bridge. So each export gets its own worker
 * thread, which exits when the export is done. Cancellation is a message: the worker aborts its signal, and
 * `exportFigure` removes its temporaries (terminating the thread mid-write would leave them behind).
 */
import { exportFigure } from '../../adapters/export'
import { startWorker } from '../../adapters/threads/start-worker'
import type { ExportOptions, ExportReport, FigureRequest } from '../../core/export/types'
import { AppError, messages, type ErrorCode } from '../../core/errors'
import type { Logger } from '../../core/log'

/** Runs one export; the app uses the worker, tests may run it in-process. */
export type ExportRunner = (request: FigureRequest, options: ExportOptions) => Promise<ExportReport>

/** What main sends: the request without its PhiRecord (which refuses to be cloned) and the options without the signal. */
export type ExportJob = {
  readonly type: 'run'
  readonly request: Omit<FigureRequest, 'source'> & { readonly source: Omit<FigureRequest['source'], 'phi'> }
  /** The PhiRecord's values, rebuilt into a PhiRecord in the worker for the privacy preflight; never logged. */
  readonly phi: Readonly<Record<string, string>>
  readonly options: Omit<ExportOptions, 'signal'>
}

export type ExportWorkerMessage = ExportJob | { readonly type: 'cancel' }

export type ExportWorkerReply =
  | { readonly ok: true; readonly report: ExportReport }
  | { readonly ok: false; readonly code: ErrorCode; readonly detail?: Readonly<Record<string, unknown>>; readonly error?: string }

/** Same thread: for tests and for callers that are not an event loop others wait on (the CLI). */
export const exportInProcess: ExportRunner = (request, options) => exportFigure(request, options)

function toJob(request: FigureRequest, options: ExportOptions): ExportJob {
  const { phi, ...source } = request.source
  const { signal: _signal, ...rest } = options
  return { type: 'run', request: { ...request, source }, phi: { ...(phi?.reveal() ?? {}) }, options: rest }
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(messages, code)
}

/** An ExportRunner that runs each export in a fresh worker thread. */
export function exportInWorker(log: Logger): ExportRunner {
  const wlog = log.child('export-worker')
  return (request, options) =>
    new Promise<ExportReport>((resolve, reject) => {
      if (options.signal?.aborted === true) return reject(new AppError('run/cancelled'))
      const worker = startWorker(import.meta.url, 'export-worker')
      let settled = false
      const onAbort = (): void => worker.postMessage({ type: 'cancel' } satisfies ExportWorkerMessage)
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        options.signal?.removeEventListener('abort', onAbort)
        void worker.terminate()
        fn()
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      worker.on('message', (reply: ExportWorkerReply) => {
        if (reply.ok) return finish(() => resolve(reply.report))
        if (reply.code === 'internal') wlog.error('export failed in the worker', { error: reply.error ?? '' })
        const code = isErrorCode(reply.code) ? reply.code : 'internal'
        finish(() => reject(new AppError(code, reply.detail === undefined ? {} : { detail: reply.detail })))
      })
      worker.on('error', (err) => {
        wlog.error('export worker crashed', { error: err.message, stack: err.stack })
        finish(() => reject(new AppError('internal', { cause: err })))
      })
      worker.on('exit', (code) => finish(() => reject(new AppError('internal', { detail: { reason: 'export worker exited', code } }))))
      worker.postMessage(toJob(request, options) satisfies ExportWorkerMessage)
    })
}
