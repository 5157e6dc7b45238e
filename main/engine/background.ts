/**
 * Background matrices (engine side): after a run, every layer whose matrices piece is missing is queued
 * as its own low-priority worker job (matricesPiece, G = 2). Interactive jobs overtake the queue
 * (worker/job-queue.ts), so a click or a new run waits for at most the one piece already inside ORT
 * instead of the whole 3–8 s computation (docs/BENCHMARKS.md).
 *
 * Focus: background work serves the input the user looks at, i.e. the run of the latest explain or
 * drill-down. When the focus moves to another input (a new image), the pending pieces of the old one
 * are dropped from the queue; its finished pieces stay in the worker's run cache, and anything missing
 * is computed lazily if that run is drilled or its matrices are asked for later. Pieces are keyed by
 * input, not by run, because the worker shares them between runs of the same image (another class).
 */
import { AppError, isAppError } from '../core/errors'
import type { Logger } from '../core/log'
import { Lru } from '../worker/lru'
import { RunNotCached, type WorkerHost } from '../worker/host'
import type { MatricesPieceRes, MatricesState, WorkerModelSpec } from '../worker/protocol'

/** What the background did, for diagnostics, the bench and tests (ordering is asserted on these). */
export type BackgroundEvent =
  | { readonly type: 'scheduled'; readonly runId: string; readonly key: string; readonly layers: readonly number[] }
  | { readonly type: 'piece'; readonly runId: string; readonly key: string; readonly layer: number; readonly source: MatricesPieceRes['source']; readonly done: number; readonly total: number; readonly durationMs: number }
  | { readonly type: 'complete'; readonly key: string }
  /** Queued pieces dropped: `superseded` (focus moved), `lost` (worker restarted), `failed` (a piece failed), `complete`. */
  | { readonly type: 'discarded'; readonly key: string; readonly count: number; readonly reason: 'superseded' | 'lost' | 'failed' | 'complete' }

/** Progress of one input's matrices as the engine knows it. */
export interface MatricesStatus {
  readonly key: string
  readonly done: number
  readonly total: number
  /** Pieces queued or running now. */
  readonly pending: number
  /** A piece failed (e.g. a broken matrices graph): no more background attempts for this input. */
  readonly failed: boolean
}

interface InputState {
  readonly key: string
  readonly layers: number
  /** As last reported by the worker (its snapshot is authoritative: a restarted worker starts empty). */
  done: Set<number>
  readonly pending: Set<number>
  failed: boolean
}

/** Schedules and tracks background pieces. One per engine. */
export class MatricesBackground {
  private focus: string | null = null
  private readonly inputs: Lru<string, InputState>
  private closed = false

  constructor(
    private readonly host: WorkerHost,
    private readonly log: Logger,
    private readonly onEvent: ((e: BackgroundEvent) => void) | undefined,
    capacity: number,
  ) {
    this.inputs = new Lru(Math.max(1, capacity))
  }

  private emit(e: BackgroundEvent): void {
    try {
      this.onEvent?.(e)
    } catch (err) {
      // A listener's bug must not stop the scheduling (diagnostics only).
      this.log.debug('background listener failed', { reason: err instanceof Error ? err.message : String(err) })
    }
  }

  private stateOf(m: MatricesState): InputState {
    let s = this.inputs.get(m.key)
    if (s === undefined) {
      s = { key: m.key, layers: m.layers, done: new Set(), pending: new Set(), failed: false }
      this.inputs.set(m.key, s)
    }
    s.done = new Set(m.done)
    return s
  }

  /** Records what the worker reported (explain, drill-down, restore) without scheduling anything. */
  note(m: MatricesState): void {
    this.stateOf(m)
  }

  /** Makes `m.key` the focus (dropping other inputs' queued pieces) and queues its missing pieces. */
  follow(runId: string, model: WorkerModelSpec, m: MatricesState): void {
    if (this.closed) return
    const s = this.stateOf(m)
    if (this.focus !== m.key) {
      this.focus = m.key
      this.drop((g) => g !== m.key, 'superseded')
    }
    if (s.failed) return
    const layers: number[] = []
    for (let l = 0; l < s.layers; l++) if (!s.done.has(l) && !s.pending.has(l)) layers.push(l)
    if (layers.length === 0) return
    for (const l of layers) s.pending.add(l)
    this.emit({ type: 'scheduled', runId, key: m.key, layers })
    for (const l of layers) this.piece(runId, model, s, l)
  }

  /** All pieces of `key` exist (a user's matrices() call computed them): drop what is still queued. */
  completed(key: string, layers: number): void {
    const s = this.inputs.peek(key)
    const was = s === undefined ? 0 : s.done.size
    this.stateOf({ key, layers, done: Array.from({ length: layers }, (_, l) => l) })
    this.drop((g) => g === key, 'complete')
    if (was < layers) this.emit({ type: 'complete', key })
  }

  status(key: string): MatricesStatus | undefined {
    const s = this.inputs.peek(key)
    return s === undefined ? undefined : { key, done: s.done.size, total: s.layers, pending: s.pending.size, failed: s.failed }
  }

  /** Stops scheduling (the host rejects whatever is still queued when it closes). */
  close(): void {
    this.closed = true
  }

  private drop(pred: (group: string | undefined) => boolean, reason: 'superseded' | 'lost' | 'failed' | 'complete'): void {
    const counts = new Map<string, number>()
    for (const req of this.host.discardBackground(pred)) {
      if (req.kind !== 'matricesPiece') continue
      // Now, not in the rejection handler (a microtask later), so status() is exact when the event fires.
      this.inputs.peek(req.key)?.pending.delete(req.layer)
      counts.set(req.key, (counts.get(req.key) ?? 0) + 1)
    }
    for (const [key, count] of counts) this.emit({ type: 'discarded', key, count, reason })
  }

  private piece(runId: string, model: WorkerModelSpec, s: InputState, layer: number): void {
    this.host.request<'matricesPiece'>({ kind: 'matricesPiece', runId, key: s.key, model, layer }, { background: true, group: s.key }).then(
      (res) => {
        s.pending.delete(layer)
        s.done = new Set(res.matrices.done)
        this.emit({ type: 'piece', runId, key: s.key, layer, source: res.source, done: s.done.size, total: s.layers, durationMs: res.durationMs })
        if (s.done.size === s.layers && s.pending.size === 0) {
          this.log.debug('background matrices complete', { key: s.key })
          this.emit({ type: 'complete', key: s.key })
        }
      },
      (e: unknown) => {
        s.pending.delete(layer)
        if (this.closed || (isAppError(e) && e.code === 'run/cancelled')) return
        if (e instanceof RunNotCached) {
          // The worker restarted (a cancelled run) or evicted the run: every queued piece would miss too.
          // Nothing is retried here; the next drill-down restores the run and follows it again.
          this.drop((g) => g === s.key, 'lost')
          return
        }
        s.failed = true
        this.log.warn('background matrices piece failed; no more background attempts for this input', {
          layer, code: e instanceof AppError ? e.code : 'internal',
        })
        this.drop((g) => g === s.key, 'failed')
      },
    )
  }
}
