/**
 * Inference worker entry (worker_threads). Owns the ORT sessions and the run cache; everything heavy
 * (sharp pre-processing, graph runs, methods, attention) happens here, never on the caller's event loop
 * (STYLE.md §1.4). A job error is answered and the worker keeps serving; only the host ends it.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { AppError, isAppError } from '../core/errors'
import { createLogger, type LogRecord } from '../core/log'
import { drilldownJob } from './attention-jobs'
import { classifyJob, modelInputJob } from './classify-job'
import { explainJob, restoreJob, type JobContext, type JobOutput } from './explain-job'
import { matricesJob, matricesPieceJob } from './matrices-jobs'
import { ModelPool } from './model-pool'
import type { AnyRequest, JobEnvelope, SerializedError, WorkerMessage } from './protocol'
import { RunCache, RunMiss } from './run-cache'
import { faithfulnessJob } from './trust-jobs'

const port = parentPort
if (port === null) throw new Error('worker entry must run in a worker thread')

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)

/** Log records cross the thread as plain data; fields that cannot be cloned are stringified. */
function sendLog(record: LogRecord): void {
  try {
    post({ type: 'log', record })
  } catch {
    // DataCloneError: fall back to a JSON-safe copy of the fields (continue regardless: logging only).
    post({ type: 'log', record: { ...record, fields: JSON.parse(JSON.stringify(record.fields ?? {}, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown> } })
  }
}

const log = createLogger(sendLog, 'worker')
const options = (workerData ?? {}) as { runCacheSize?: number; cancelFlag?: Int32Array }
// The host writes the id of a cancelled job here (host.ts); jobs stop at their next progress report.
const cancelFlag = options.cancelFlag ?? new Int32Array(1)
const cancelled = (jobId: number): boolean => Atomics.load(cancelFlag, 0) === jobId
const pool = new ModelPool(log)
const runs = new RunCache(Math.max(1, options.runCacheSize ?? 6))

function serialize(e: unknown): SerializedError {
  if (isAppError(e)) {
    let detail: Record<string, unknown> | undefined
    try {
      detail = e.detail === undefined ? undefined : (JSON.parse(JSON.stringify(e.detail)) as Record<string, unknown>)
    } catch {
      // Unserialisable detail (cycles): keep the code, drop the detail (continue regardless).
      detail = undefined
    }
    const cause = e.cause instanceof Error ? e.cause.message : e.cause === undefined ? undefined : String(e.cause)
    return { code: e.code, ...(detail !== undefined ? { detail } : {}), ...(cause !== undefined ? { cause: cause.slice(0, 500) } : {}) }
  }
  return { code: 'internal', cause: (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 500) }
}

async function handle(req: AnyRequest, ctx: JobContext): Promise<JobOutput<unknown>> {
  switch (req.kind) {
    case 'load': {
      const { load } = await pool.ensure(req.model)
      return { value: load, transfer: [] }
    }
    case 'explain': return explainJob(req, ctx)
    case 'restore': return restoreJob(req, ctx)
    case 'drilldown': return drilldownJob(req, ctx, log.child('drilldown'))
    case 'matrices': return matricesJob(req, ctx)
    case 'matricesPiece': return matricesPieceJob(req, ctx)
    case 'faithfulness': return faithfulnessJob(req, ctx)
    case 'classify': return classifyJob(req, ctx)
    case 'modelInput': return modelInputJob(req, ctx)
    case 'release': {
      if (req.modelId === undefined) runs.clear()
      else for (const id of runs.keys()) if (runs.peek(id)?.modelId === req.modelId) runs.delete(id)
      return { value: { released: await pool.release(req.modelId) }, transfer: [] }
    }
    case 'stats': return { value: { sessions: pool.size, cachedRuns: runs.size, heapUsed: process.memoryUsage().heapUsed }, transfer: [] }
  }
}

port.on('message', (env: JobEnvelope) => {
  const ctx: JobContext = {
    pool,
    runs,
    progress: (stage, fraction) => {
      if (cancelled(env.jobId)) throw new AppError('run/cancelled')
      post({ type: 'progress', jobId: env.jobId, progress: { stage, fraction } })
    },
  }
  handle(env.req, ctx).then(
    (out) => {
      post({ type: 'ok', jobId: env.jobId, value: out.value }, out.transfer)
      // After the answer: a first result never waits for (or shares the CPU with) a cache write.
      for (const job of pool.takeQueuedStores()) post({ type: 'store', job })
    },
    (e: unknown) => {
      if (e instanceof RunMiss) post({ type: 'miss', jobId: env.jobId })
      else {
        const error = serialize(e)
        if (error.code === 'internal') log.error('job failed', { kind: env.req.kind, cause: error.cause })
        post({ type: 'error', jobId: env.jobId, error })
      }
    },
  )
})

post({ type: 'ready' })
