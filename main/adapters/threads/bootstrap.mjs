// Development/test entry of every worker thread (adapters/threads/start-worker.ts): registers tsx so the
// TypeScript entry named in workerData.entry can be imported in this thread (worker threads do not
// inherit the parent's loader hooks, and `--import tsx` in execArgv is not honoured for a .ts main
// module). Built apps start the bundled `<name>.js` instead.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
