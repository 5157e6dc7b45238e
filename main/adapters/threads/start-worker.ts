/**
 * Starts a worker thread on one of the app's thread entries (the inference worker, the figure export,
 * the optimised-graph writer). Built app: `<name>.js`, a bundle entry next to the calling module
 * (electron.vite.config.ts); from sources (tests, the CLI and the bench under tsx): `<name>.ts` through
 * bootstrap.mjs, which registers tsx in the new thread first.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { exactGpuArithmetic } from '../onnx/gpu-env'
// Before any thread exists: a worker cannot switch ORT's telemetry off for its process itself.
import '../onnx/telemetry'

/** `callerUrl`: the caller's `import.meta.url` (the entries sit next to it, as sources and as bundle). */
export function startWorker(callerUrl: string, name: string, workerData: Readonly<Record<string, unknown>> = {}): Worker {
  // Sessions open in the threads, whose process.env is a copy: the real environment is set here.
  exactGpuArithmetic()
  const built = new URL(`./${name}.js`, callerUrl)
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData })
  const entry = new URL(`./${name}.ts`, callerUrl).href
  return new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: { ...workerData, entry } })
}
