// Development/test entry of the export worker: registers tsx so the TypeScript entry can be imported in this
// thread (worker threads do not inherit the parent's loader hooks). Built apps start export-worker.js instead.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
