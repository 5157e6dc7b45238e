/**
 * Main-thread side of the inference worker: a serial job queue, progress, cancellation and restarts.
 *
 * Cancellation: ORT's `run` (and session creation) is a synchronous native call inside the worker
 * (STYLE.md §1.4), so a running job cannot be interrupted from JS. Terminating the thread meanwhile is
 * NOT safe: measured with onnxruntime-node 1.30, when the native call later returns into the terminated
 * environment the binding throws a C++ `Napi::Error` and the whole process aborts. So a cancelled job is
 * rejected at once with `run/cancelled` and *abandoned*: a flag shared with the worker makes the job stop
 * at its next checkpoint (every progress report, i.e. between graph runs and methods), its answer is
 * dropped, and the next job runs on the same worker with its sessions still open. Starting a fresh worker
 * instead (as before issue 16) cost a model reload and stranded ≈ 90 MB of malloc arenas per cancel
 * (docs/ROBUSTNESS.md). Only a worker that does not come back within `cancelGraceMs` is *retired* (it
 * finishes the call, then releases its sessions and is terminated while idle in JS) and replaced; models
 * reload lazily there: every model job carries its spec.
 *
 * Priorities: interactive jobs overtake queued background jobs (job-queue.ts). Background work is cut
 * into short jobs (one matrices piece per layer) instead of being interrupted, for the reason above.
 */
import { Worker } from 'node:worker_threads'
import { startWorker } from '../adapters/threads/start-worker'
import type { ProgressEvent } from '../core/engine/api'
import { AppError } from '../core/errors'
import { noopLogger, type Logger } from '../core/log'
import { PriorityQueue } from './job-queue'
import { storeInThread } from './optimize-thread'
import type { AnyRequest, JobKind, JobMap, ResponseOf, StoreJob, WorkerMessage } from './protocol'

/** The run is not in the worker's cache (evicted, or the worker was restarted). */
export class RunNotCached extends Error {
  constructor() {
    super('run not cached in the worker')
    this.name = 'RunNotCached'
  }
}

/** Options of {@link WorkerHost}. */
export interface WorkerHostOptions {
  readonly logger?: Logger
  /** Runs whose factors the worker keeps (LRU). */
  readonly runCacheSize?: number
  /** Built worker entry (e.g. electron-vite output); default: `entry.js` next to this file, else tsx. */
  readonly workerUrl?: URL
  /** How long a cancelled job's worker may take to reach a checkpoint before it is replaced (default 10 s). */
  readonly cancelGraceMs?: number
}

/** Per-request options. */
export interface RequestOptions {
  readonly signal?: AbortSignal
  readonly onProgress?: (p: ProgressEvent) => void
  readonly transfer?: ArrayBuffer[]
  /** Background jobs (matrices pieces) wait behind every interactive job, queued or future. */
  readonly background?: boolean
  /** Tag of a background job (the run's matrices key), for {@link WorkerHost.discardBackground}. */
  readonly group?: string
}

interface Job {
  readonly id: number
  readonly background: boolean
  readonly group?: string
  readonly req: AnyRequest
  readonly opts: RequestOptions
  readonly resolve: (v: unknown) => void
  readonly reject: (e: unknown) => void
  detach?: () => void
}

/** A worker thread; `retiring` ones finish their last native call and are then ended. */
interface Slot {
  readonly worker: Worker
  /** `[jobId]` of the job to stop: written here, read by the worker at its checkpoints (entry.ts). */
  readonly cancelFlag: Int32Array
  state: 'active' | 'retiring' | 'ended'
  /** Job id whose answer marks a retiring worker as back in JS (safe to terminate). */
  awaitJob?: number
  ended: Promise<void>
  markEnded: () => void
}

const RELEASE_JOB = -1
const DEFAULT_CANCEL_GRACE_MS = 10_000

/** A cancelled job whose worker has not answered yet: nothing else is sent to that worker meanwhile. */
interface Abandoned {
  readonly jobId: number
  readonly slot: Slot
  readonly timer: NodeJS.Timeout
}

function spawn(o: WorkerHostOptions, cancelFlag: Int32Array): Worker {
  const workerData = { runCacheSize: o.runCacheSize ?? 6, cancelFlag }
  if (o.workerUrl !== undefined) return new Worker(o.workerUrl, { workerData })
  return startWorker(import.meta.url, 'entry', workerData)
}

/** Owns the inference worker (one active at a time, plus retiring ones). */
export class WorkerHost {
  private active: Slot | null = null
  private readonly slots = new Set<Slot>()
  private readonly queue = new PriorityQueue<Job>()
  private current: Job | null = null
  private abandoned: Abandoned | null = null
  private nextId = 1
  private closed = false
  private pumpScheduled = false
  private readonly stores = new Set<Promise<void>>()
  private readonly log: Logger
  /** Workers started so far (1 + restarts after cancellation or crash). */
  spawned = 0

  constructor(private readonly options: WorkerHostOptions = {}) {
    this.log = (options.logger ?? noopLogger).child('worker')
  }

  /** Sends one job; resolves with its typed response. Rejects with AppError or {@link RunNotCached}. */
  request<K extends JobKind>(req: JobMap[K][0], opts: RequestOptions = {}): Promise<ResponseOf<K>> {
    return new Promise<ResponseOf<K>>((resolve, reject) => {
      if (this.closed) return reject(new AppError('run/cancelled', { detail: { reason: 'engine closed' } }))
      if (opts.signal?.aborted === true) return reject(new AppError('run/cancelled'))
      const background = opts.background === true
      const job: Job = {
        id: this.nextId++, req, opts, background, ...(opts.group !== undefined ? { group: opts.group } : {}),
        resolve: resolve as (v: unknown) => void, reject,
      }
      if (opts.signal !== undefined) {
        const signal = opts.signal
        const onAbort = (): void => this.cancel(job)
        signal.addEventListener('abort', onAbort, { once: true })
        job.detach = () => signal.removeEventListener('abort', onAbort)
      }
      this.queue.push(job)
      this.pump()
    })
  }

  /**
   * Drops queued background jobs whose group matches `pred` (they reject with `run/cancelled`, reason
   * `superseded`); a background job already running finishes normally. Returns the dropped requests.
   */
  discardBackground(pred: (group: string | undefined) => boolean): AnyRequest[] {
    const dropped = this.queue.removeBackground((j) => pred(j.group))
    for (const job of dropped) this.settle(job, () => job.reject(new AppError('run/cancelled', { detail: { reason: 'superseded' } })))
    return dropped.map((j) => j.req)
  }

  /** Queued background jobs (optionally of one group), for the engine's status and tests. */
  pendingBackground(group?: string): number {
    return this.queue.backgroundCount(group)
  }

  /** Worker threads alive now (active + retiring), for tests and diagnostics. */
  get liveWorkers(): number {
    return [...this.slots].filter((s) => s.state !== 'ended').length
  }

  private settle(job: Job, fn: () => void): void {
    job.detach?.()
    fn()
  }

  private cancel(job: Job): void {
    if (this.queue.remove(job)) {
      this.settle(job, () => job.reject(new AppError('run/cancelled')))
      return
    }
    if (this.current !== job) return
    this.log.info('cancelling a running job', { kind: job.req.kind })
    this.current = null
    this.settle(job, () => job.reject(new AppError('run/cancelled')))
    const slot = this.active
    if (slot === null) return this.pump()
    Atomics.store(slot.cancelFlag, 0, job.id)
    const timer = setTimeout(() => {
      this.log.warn('a cancelled job did not stop in time: replacing its worker', { kind: job.req.kind, graceMs: this.cancelGraceMs })
      this.abandoned = null
      this.retire(slot, job.id)
      this.pump()
    }, this.cancelGraceMs)
    this.abandoned = { jobId: job.id, slot, timer }
  }

  private get cancelGraceMs(): number {
    return this.options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS
  }

  /** The abandoned job answered (or its worker is gone): the worker is free again. */
  private clearAbandoned(): void {
    if (this.abandoned === null) return
    clearTimeout(this.abandoned.timer)
    this.abandoned = null
  }

  /** Stops routing work to `slot`; it is ended once it answers `jobId` (i.e. its native call returned). */
  private retire(slot: Slot, jobId: number | undefined): void {
    if (this.active === slot) this.active = null
    slot.state = 'retiring'
    if (jobId === undefined) this.release(slot)
    else slot.awaitJob = jobId
  }

  /** Asks an idle worker to release its sessions, then terminates it. */
  private release(slot: Slot): void {
    slot.awaitJob = RELEASE_JOB
    try {
      slot.worker.postMessage({ jobId: RELEASE_JOB, req: { kind: 'release' } })
    } catch (e) {
      this.log.debug('release message failed; terminating', { reason: String(e) })
      this.end(slot)
    }
  }

  private end(slot: Slot): void {
    if (slot.state === 'ended') return
    slot.state = 'ended'
    slot.worker.terminate().then(
      () => slot.markEnded(),
      (e: unknown) => {
        this.log.debug('terminate failed', { reason: String(e) })
        slot.markEnded()
      },
    )
  }

  private ensureWorker(): Slot {
    if (this.active !== null) return this.active
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4))
    const worker = spawn(this.options, cancelFlag)
    this.spawned++
    let markEnded = (): void => undefined
    const ended = new Promise<void>((resolve) => { markEnded = resolve })
    const slot: Slot = { worker, cancelFlag, state: 'active', ended, markEnded }
    this.slots.add(slot)
    void ended.then(() => this.slots.delete(slot))
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m))
    worker.on('error', (e: Error) => this.onExit(slot, e))
    worker.on('exit', (code: number) => this.onExit(slot, new Error(`worker exited with code ${code}`)))
    this.active = slot
    return slot
  }

  private pump(): void {
    if (this.current !== null || this.abandoned !== null || this.closed) return
    const job = this.queue.shift()
    if (job === undefined) return
    this.current = job
    try {
      this.ensureWorker().worker.postMessage({ jobId: job.id, req: job.req }, job.opts.transfer ?? [])
    } catch (e) {
      this.current = null
      this.settle(job, () => job.reject(new AppError('internal', { cause: e })))
      this.pump()
    }
  }

  /** Optimised-graph cache writes still running (tests, the benchmark). */
  get cacheWrites(): number {
    return this.stores.size
  }

  private store(job: StoreJob): void {
    const p: Promise<void> = storeInThread(job).then((r) => {
      if (r.ok) this.log.info('optimised graph cached for the next launch', { provider: job.provider, result: r.result, ms: Math.round(r.ms) })
      else this.log.warn('optimised graph not cached', { provider: job.provider, reason: r.error })
    }).finally(() => this.stores.delete(p))
    this.stores.add(p)
  }

  private forwardLog(m: Extract<WorkerMessage, { type: 'log' }>): void {
    const { level, category, message, fields } = m.record
    const logger = category === '' ? this.log : this.log.child(category.replace(/^worker\.?/, '') || 'main')
    logger[level](message, fields)
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.type === 'log') return this.forwardLog(m)
    if (m.type === 'ready') return
    if (m.type === 'store') return this.store(m.job)
    if (slot.state !== 'active') {
      // A retiring worker is back in JS once it answers its last job (or our release request).
      if (m.type !== 'progress' && m.jobId === slot.awaitJob) {
        if (m.jobId === RELEASE_JOB) this.end(slot)
        else this.release(slot)
      }
      return
    }
    if (this.abandoned !== null && m.jobId === this.abandoned.jobId) {
      if (m.type !== 'progress') {
        this.clearAbandoned()
        this.pumpSoon()
      }
      return
    }
    const job = this.current
    if (job === null || m.jobId !== job.id) return
    if (m.type === 'progress') {
      job.opts.onProgress?.(m.progress)
      return
    }
    this.current = null
    if (m.type === 'ok') this.settle(job, () => job.resolve(m.value))
    else if (m.type === 'miss') this.settle(job, () => job.reject(new RunNotCached()))
    else {
      const detail = m.error.detail
      this.settle(job, () => job.reject(new AppError(m.error.code, { ...(detail !== undefined ? { detail } : {}), ...(m.error.cause !== undefined ? { cause: m.error.cause } : {}) })))
    }
    this.pumpSoon()
  }

  /**
   * Picks the next job once the answer's continuations have run (setImmediate comes after every pending
   * microtask): they may queue interactive work (a restore after a miss, the next click) or drop stale
   * background pieces (a new image's run), and a background piece must not be chosen before that.
   * Measured in test: without it the old image's next piece slipped in after every new run.
   */
  private pumpSoon(): void {
    if (this.pumpScheduled) return
    this.pumpScheduled = true
    setImmediate(() => {
      this.pumpScheduled = false
      this.pump()
    })
  }

  private onExit(slot: Slot, e: Error): void {
    const wasActive = slot.state === 'active'
    slot.state = 'ended'
    slot.markEnded()
    if (!wasActive) return
    this.log.error('worker stopped unexpectedly; it will be restarted', { reason: e.message })
    if (this.active === slot) this.active = null
    this.clearAbandoned()
    const job = this.current
    this.current = null
    if (job !== null) this.settle(job, () => job.reject(new AppError('internal', { detail: { reason: 'worker stopped' }, cause: e })))
    this.pump()
  }

  /**
   * Cancels queued and running jobs, releases the sessions and ends every worker. Waits for a worker
   * that is inside a native call to return from it (see the file comment: terminating earlier aborts).
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const job of this.queue.drain()) this.settle(job, () => job.reject(new AppError('run/cancelled', { detail: { reason: 'engine closed' } })))
    const job = this.current
    const abandonedId = this.abandoned?.jobId
    this.current = null
    this.clearAbandoned()
    if (this.active !== null) this.retire(this.active, job?.id ?? abandonedId)
    if (job !== null) this.settle(job, () => job.reject(new AppError('run/cancelled', { detail: { reason: 'engine closed' } })))
    await Promise.all([...this.slots].map((s) => s.ended))
  }
}
