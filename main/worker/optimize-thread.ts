/**
 * Fills the optimised-graph cache (adapters/onnx/session.ts) in a thread of its own: saving costs a
 * second optimisation of the graph (≈1.8 s for Vim-T on 2 cores), which would otherwise delay the
 * first result of a first launch or block the inference worker's job loop. Started by the host (main
 * thread), so it outlives a worker that is retired and keeps a CLI process alive until the file is
 * written. Later launches load the saved graph instead (docs/BENCHMARKS.md, cold start).
 */
import { startWorker } from '../adapters/threads/start-worker'
import type { StoreJob } from './protocol'

export type StoreReply = { readonly ok: true; readonly result: 'stored' | 'off'; readonly ms: number } | { readonly ok: false; readonly error: string; readonly ms: number }

/** Runs one store in a fresh thread; never rejects (a failed cache write only costs the next launch time). */
export function storeInThread(job: StoreJob): Promise<StoreReply> {
  const t0 = performance.now()
  return new Promise((resolve) => {
    let reply: StoreReply | undefined
    const worker = startWorker(import.meta.url, 'optimize-worker', { ...job })
    worker.once('message', (m: StoreReply) => { reply = m })
    worker.once('error', (e) => { reply ??= { ok: false, error: e.message.slice(0, 300), ms: performance.now() - t0 } })
    worker.once('exit', (code) => resolve(reply ?? { ok: false, error: `writer thread exited with code ${code}`, ms: performance.now() - t0 }))
  })
}
