/**
 * Entry of the optimised-graph writer thread (optimize-thread.ts): optimises one model for one provider
 * and saves it in the session cache. ORT's session creation blocks the thread it runs on for seconds,
 * which is why this is not done on the inference worker's job loop.
 */
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { verifySha256 } from '../adapters/models/verify'
import { storeOptimizedGraph } from '../adapters/onnx/session'
import type { StoreReply } from './optimize-thread'
import type { StoreJob } from './protocol'

const job = workerData as StoreJob
const t0 = performance.now()
let reply: StoreReply
try {
  // The file is read again (the pool's copy stays in its thread) and must still be the one the card names.
  const bytes = readFileSync(job.modelPath)
  verifySha256(bytes, job.sha256, 'graph')
  const result = await storeOptimizedGraph(bytes, job.provider, { optimizedCacheDir: job.optimizedCacheDir, modelSha256: job.sha256, intraOpNumThreads: 1 })
  reply = { ok: true, result, ms: performance.now() - t0 }
} catch (e) {
  reply = { ok: false, error: (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300), ms: performance.now() - t0 }
}
parentPort?.postMessage(reply)
