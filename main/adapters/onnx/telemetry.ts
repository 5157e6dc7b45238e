/**
 * Switches off onnxruntime's built-in telemetry. onnxruntime-node 1.30's native library carries
 * Microsoft's 1DS client: it writes a device id and an event queue under ~/.cache/Microsoft/DeveloperTools
 * as soon as a session is created, and uploads to mobile.events.data.microsoft.com during longer runs.
 * The only switch onnxruntime-node offers is the environment variable read by the native library when it
 * creates its environment: its JS `env` has no telemetry setting (1.30: wasm, webgl, webgpu, versions,
 * logLevel) and its binding does not expose the C API's `DisableTelemetryEvents`.
 *
 * The variable must be in the *process* environment before the first session: an assignment to
 * `process.env` inside a worker thread only changes that thread's copy and never reaches the native
 * `getenv` (measured: the files appear). So the main thread sets it when this module is imported (every
 * ORT import goes through runtime.ts, and start-worker.ts imports this before any thread starts), and a
 * worker thread refuses to load ORT when its process did not.
 */
import { isMainThread } from 'node:worker_threads'

export const TELEMETRY_ENV = { ORT_DISABLE_TELEMETRY: '1' } as const

if (isMainThread) {
  Object.assign(process.env, TELEMETRY_ENV)
} else if (process.env.ORT_DISABLE_TELEMETRY !== '1') {
  throw new Error('onnxruntime telemetry is not disabled in this process: import main/adapters/onnx/telemetry.ts in the main thread before starting workers')
}
