/**
 * Memory cost of cancelling (issue 16, build 2): explains the bench photograph on the default model until
 * the run caches are full (warm-up: RSS then holds every cached run), then starts explains and aborts each
 * after 20…380 ms until `--cancels` of them were cancelled mid-flight (one that finished first does not
 * count), and compares the process RSS once everything has settled with the RSS after warm-up.
 * A cancelled job stops at its worker's next checkpoint and the worker keeps serving (main/worker/host.ts);
 * before issue 16 every cancel replaced the worker, which stranded malloc arenas (`--grace 0` restores that).
 *
 * Usage: node --import tsx test/bench/cancel-leak.ts [--cancels 100] [--grace <ms>] [--out docs/bench/cancel-leak.json]
 */
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { isAppError } from '../../main/core/errors'
import { createEngine } from '../../main/engine'
import { photo } from './taps'

const { values } = parseArgs({ options: { cancels: { type: 'string' }, out: { type: 'string' }, models: { type: 'string' }, grace: { type: 'string' } } })
const cancels = Number(values.cancels ?? 100)
const mb = (): number => Math.round(process.memoryUsage().rss / 1e5) / 10
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const cancelGraceMs = values.grace !== undefined ? Number(values.grace) : undefined
const engine = await createEngine({ modelsDir: values.models ?? 'models', preload: false, precomputeMatrices: 'never', ...(cancelGraceMs !== undefined ? { cancelGraceMs } : {}) })
const image = photo()
const explainMs: number[] = []
// The worker keeps 6 runs and the engine 12 run records (createEngine defaults): fill both.
for (let i = 0; i < 14; i++) {
  const t = performance.now()
  await engine.explain(image, {})
  explainMs.push(Math.round(performance.now() - t))
}
await sleep(2000)
const baselineMb = mb()
const samples: number[] = []
let cancelled = 0
let finished = 0
const started = performance.now()
for (let i = 0; cancelled < cancels && i < 10 * cancels; i++) {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), 20 + (i % 10) * 40)
  try {
    await engine.explain(image, {}, controller.signal)
    finished++
  } catch (e) {
    if (!isAppError(e) || e.code !== 'run/cancelled') throw e
    cancelled++
  }
  clearTimeout(timer)
  if (i % 10 === 9) samples.push(mb())
}
// Let the last cancelled job stop (or a replaced worker end), then run normally once more.
await sleep(5000)
await engine.explain(image, {})
await sleep(2000)
const afterMb = mb()
const result = {
  date: new Date().toISOString(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version,
  mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null, cancelGraceMs: cancelGraceMs ?? 'default', cancels, cancelled, finishedBeforeCancel: finished,
  workerSpawns: engine.workerSpawns, warmExplainMs: explainMs, loopSeconds: Math.round((performance.now() - started) / 100) / 10,
  rssBaselineMb: baselineMb, rssAfterMb: afterMb, rssGrowthPct: Math.round(((afterMb - baselineMb) / baselineMb) * 1000) / 10,
  rssEvery10AttemptsMb: samples,
}
await engine.close()
console.log(JSON.stringify(result, null, 2))
if (values.out !== undefined) writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n')
process.exit(0)
