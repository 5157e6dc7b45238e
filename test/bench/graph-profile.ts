/**
 * Where one graph run spends its time on a provider (issue 14): ORT's own profiler around a few timed runs.
 *   npx tsx test/bench/graph-profile.ts --graph G.onnx --card models/x.json --provider cuda [--runs 5] [--out DIR]
 * Prints and writes (DIR/profile-<graph>-<provider>.json) the wall time per run, the number of node
 * executions per run, and per operator type its count and summed host-side duration in the last run
 * (for the CUDA provider: the time to enqueue each kernel, i.e. the per-node overhead that decides whether
 * a graph of ~10⁴ small nodes can be fast). The ORT trace itself is deleted (it is large). Not a test.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from '../../main/adapters/onnx/runtime'
import { exactGpuArithmetic } from '../../main/adapters/onnx/gpu-env'
import { externalWeightsOf } from '../helpers/variant-weights'
import { syntheticFeeds } from './taps'

const { values } = parseArgs({ options: {
  graph: { type: 'string' }, card: { type: 'string' }, provider: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' },
} })
if (values.graph === undefined || values.card === undefined) throw new Error('usage: --graph G.onnx --card card.json --provider cuda|cpu')
const provider = values.provider ?? 'cuda'
const runs = Number(values.runs ?? 5)
const outDir = values.out ?? '.'
exactGpuArithmetic()
const card = JSON.parse(readFileSync(values.card, 'utf8')) as { classes: string[]; input: { shape: number[] } }
const prefix = join(outDir, `ortprofile-${process.pid}`)
mkdirSync(outDir, { recursive: true })
const session = await ort.InferenceSession.create(readFileSync(values.graph), {
  executionProviders: [provider], graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: prefix,
  // A variant graph reads its weights from the explainer's bytes (docs/GRAPH_CONTRACT.md, "Shared weights").
  externalData: externalWeightsOf(values.graph).map((w) => ({ path: w.path, data: w.data })),
} as ort.InferenceSession.SessionOptions)
const feeds = syntheticFeeds(card, 1)
const wanted = Object.fromEntries(Object.entries(feeds).filter(([k]) => session.inputNames.includes(k)))
const wall: number[] = []
for (let i = 0; i < runs + 2; i++) {
  const t = performance.now()
  await session.run(wanted)
  if (i >= 2) wall.push(performance.now() - t)
}
// onnxruntime-node's endProfiling returns nothing: the trace is the file named after the prefix.
;(session as unknown as { endProfiling(): void }).endProfiling()
await session.release()
const traceName = readdirSync(outDir).find((f) => f.startsWith(basename(prefix)) && f.endsWith('.json'))
if (traceName === undefined) throw new Error(`no ORT profile written under ${outDir}`)
const traceFile = join(outDir, traceName)

interface TraceEvent { cat: string; name: string; dur: number; ts: number; args?: { op_name?: string; provider?: string } }
const events = JSON.parse(readFileSync(traceFile, 'utf8')) as TraceEvent[]
rmSync(traceFile, { force: true })
const runEvents = events.filter((e) => e.cat === 'Session' && e.name === 'model_run')
const last = runEvents.at(-1)!
const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= last.ts && e.ts <= last.ts + last.dur)
const byOp = new Map<string, { count: number; us: number }>()
const byProvider = new Map<string, number>()
for (const e of nodes) {
  const op = e.args?.op_name ?? '?'
  const o = byOp.get(op) ?? { count: 0, us: 0 }
  byOp.set(op, { count: o.count + 1, us: o.us + e.dur })
  const p = e.args?.provider ?? '?'
  byProvider.set(p, (byProvider.get(p) ?? 0) + 1)
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const sumUs = nodes.reduce((s, e) => s + e.dur, 0)
const result = {
  graph: basename(values.graph), provider, runs, wallMsMedian: Math.round(median(wall) * 100) / 100, wallMs: wall.map((x) => Math.round(x * 10) / 10),
  profiledRunMs: Math.round(last.dur / 10) / 100, nodeExecutions: nodes.length, nodeHostMsSum: Math.round(sumUs / 10) / 100,
  usPerNode: Math.round((sumUs / Math.max(1, nodes.length)) * 100) / 100, nodesByProvider: Object.fromEntries(byProvider),
  byOp: Object.fromEntries([...byOp].sort((a, b) => b[1].us - a[1].us).map(([k, v]) => [k, { count: v.count, ms: Math.round(v.us / 10) / 100 }])),
}
writeFileSync(join(outDir, `profile-${basename(values.graph, '.onnx')}-${provider}.json`), JSON.stringify(result, null, 1))
console.log(JSON.stringify({ ...result, byOp: Object.fromEntries(Object.entries(result.byOp).slice(0, 12)) }))
