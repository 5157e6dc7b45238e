/**
 * Worker-thread entry of the figure export (started by export-thread.ts, one thread per export). Rebuilds
 * the PhiRecord, runs `exportFigure` and answers with the report or an error code; never logs values.
 */
import { parentPort } from 'node:worker_threads'
import { exportFigure } from '../../adapters/export'
import { isAppError } from '../../core/errors'
import { PhiRecord, type PhiKeyword } from '../../core/image/phi'
import type { ExportJob, ExportWorkerMessage, ExportWorkerReply } from './export-thread'

const port = parentPort
const controller = new AbortController()

async function run(job: ExportJob): Promise<ExportWorkerReply> {
  const phi = new PhiRecord(job.phi as Partial<Record<PhiKeyword, string>>)
  try {
    const report = await exportFigure({ ...job.request, source: { ...job.request.source, phi } }, { ...job.options, signal: controller.signal })
    return { ok: true, report }
  } catch (e) {
    // AppError details are PHI-free by construction (privacy.ts lists {where, keyword} only).
    if (isAppError(e)) return { ok: false, code: e.code, ...(e.detail !== undefined ? { detail: e.detail } : {}) }
    return { ok: false, code: 'internal', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }
  }
}

port?.on('message', (msg: ExportWorkerMessage) => {
  if (msg.type === 'cancel') return controller.abort()
  void run(msg).then((reply) => port.postMessage(reply))
})
