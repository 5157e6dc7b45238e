/**
 * A second lane for the batch classifier graph: the same graph in a thread of its own, so that a batch runs
 * as two halves at once, one per lane (the inference worker's session is the other lane).
 *
 * Why: onnxruntime-node runs a session synchronously on its thread, and the graph's 12 Scan loops are chains
 * of small per-token nodes that ORT's intra-op threads barely share: on the 2-core VM a batch of 8 took
 * 361–394 ms split over two lanes against 446–707 ms in one session with ORT's default threads, interleaved
 * (docs/BENCHMARKS.md, "Batch classifier lanes and the quick deletion check"). The quick deletion check
 * (8 perturbed inputs) and every other classifier batch go through here.
 *
 * The lane starts in the background when the classifier session is first opened; a batch that arrives before
 * it is ready, or after it failed, runs whole on the worker's own session.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { startWorker } from '../adapters/threads/start-worker'
import type { ExecutionProvider } from '../core/engine/api'
import type { LaneReply, LaneRequest, LaneStart } from './classifier-lane-worker'

/** The classifier's outputs for one slice of a batch. */
export interface LaneOutput {
  readonly logits: Float32Array
  readonly features: Float32Array
  readonly featureDim: number
}

/** Whether batches are split across two lanes here: CPU inference on a machine with at least two cores. */
export function lanesFor(provider: ExecutionProvider): boolean {
  return provider === 'cpu' && availableParallelism() >= 2
}

/** Intra-op threads of each of the two lanes' sessions: the cores shared out between them. */
export function laneThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2))
}

export class ClassifierLane {
  private readonly worker: Worker
  private state: 'starting' | 'ready' | 'failed' = 'starting'
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (o: LaneOutput) => void; reject: (e: Error) => void }>()
  private settle: (ready: boolean) => void = () => {}
  /** Resolves true once the lane is ready, false when it failed first (nothing waits on it on the way to a result). */
  readonly started: Promise<boolean> = new Promise((resolve) => { this.settle = resolve })

  constructor(start: LaneStart) {
    this.worker = startWorker(import.meta.url, 'classifier-lane-worker', { ...start })
    this.worker.on('message', (m: LaneReply) => this.onReply(m))
    this.worker.on('error', (e) => this.fail(e))
    this.worker.on('exit', (code) => this.fail(new Error(`classifier lane exited with code ${code}`)))
  }

  /** True once the lane's session is open and it has not failed since. */
  get ready(): boolean {
    return this.state === 'ready'
  }

  /** Runs `count` inputs ([count, C, H, W] values, copied: the caller keeps its array) on the lane. */
  run(inputs: Float32Array, count: number, shape: readonly [number, number, number]): Promise<LaneOutput> {
    if (this.state !== 'ready') return Promise.reject(new Error('classifier lane is not ready'))
    const id = this.nextId++
    const copy = inputs.slice()
    const req: LaneRequest = { id, inputs: copy, count, shape }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage(req, [copy.buffer])
    })
  }

  async close(): Promise<void> {
    this.state = 'failed'
    await this.worker.terminate()
  }

  private onReply(m: LaneReply): void {
    if (m.type === 'ready') {
      if (this.state === 'starting') this.state = 'ready'
      this.settle(this.state === 'ready')
      return
    }
    if (m.type === 'failed') {
      this.fail(new Error(m.error))
      return
    }
    const p = this.pending.get(m.id)
    this.pending.delete(m.id)
    if (p === undefined) return
    if (m.type === 'ok') p.resolve({ logits: m.logits, features: m.features, featureDim: m.featureDim })
    else p.reject(new Error(m.error))
  }

  private fail(e: Error): void {
    this.state = 'failed'
    this.settle(false)
    for (const p of this.pending.values()) p.reject(e)
    this.pending.clear()
  }
}
