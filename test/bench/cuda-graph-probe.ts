/**
 * Can onnxruntime-node turn on CUDA graphs after all (issue 14)? Its binding hands the CUDA provider only
 * `deviceId`, but it passes `sessionOptions.extra` on as session config entries, and ORT 1.29 builds an
 * "ep.cuda." config prefix next to the provider's name (seen in libonnxruntime.so.1). This probe asks for
 * `ep.cuda.enable_cuda_graph = 1` that way and measures, on one graph:
 *   - whether the session opens and ORT says it captured a graph (its log, severity info, on stderr: grep it);
 *   - whether a replay sees new inputs: two different images alternate, and each output is compared with a
 *     plain CUDA session's output for the same image (a replay that ignores its feeds returns the other
 *     image's outputs: that is the failure this looks for, not a speed-up);
 *   - the median run time of both sessions.
 *   npx tsx test/bench/cuda-graph-probe.ts --graph G.onnx --card C.json [--runs 20] [--out DIR] [--provider cpu: a dry run of the probe itself]
 * Writes DIR/cuda-graph-probe-<graph>.json. Not a test: it needs the CUDA provider.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from '../../main/adapters/onnx/runtime'
import { exactGpuArithmetic } from '../../main/adapters/onnx/gpu-env'
import { relErr } from '../conformance/tolerance'
import { externalWeightsOf } from '../helpers/variant-weights'
import { syntheticFeeds } from './taps'

const { values } = parseArgs({ options: {
  graph: { type: 'string' }, card: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' }, provider: { type: 'string' },
} })
if (values.graph === undefined || values.card === undefined) throw new Error('usage: --graph G.onnx --card card.json [--runs N] [--out DIR]')
const runs = Number(values.runs ?? 20)
const outDir = values.out ?? '.'
exactGpuArithmetic()
const card = JSON.parse(readFileSync(values.card, 'utf8')) as { classes: string[]; input: { shape: number[] } }
const bytes = readFileSync(values.graph)
const externalData = externalWeightsOf(values.graph).map((w) => ({ path: w.path, data: w.data }))

type Feeds = Record<string, ort.Tensor>
type Outputs = Record<string, Float32Array>

/** Two inputs that differ everywhere (the bench image and its negation-and-shift), each with its own target. */
function inputs(session: ort.InferenceSession): [Feeds, Feeds] {
  const a = syntheticFeeds(card, 0)
  const img = a.image.data as Float32Array
  const b = { image: new ort.Tensor('float32', img.map((v, i) => -0.7 * v + 0.3 * Math.cos(i * 0.0007)), a.image.dims), target: syntheticFeeds(card, card.classes.length - 1).target }
  const pick = (f: Feeds): Feeds => Object.fromEntries(Object.entries(f).filter(([k]) => session.inputNames.includes(k)))
  return [pick(a), pick(b)]
}

async function run(session: ort.InferenceSession, feeds: Feeds): Promise<{ ms: number; out: Outputs }> {
  const t = performance.now()
  const res = await session.run(feeds)
  const ms = performance.now() - t
  // Copied out at once: a captured graph may write its next results into the same buffers.
  return { ms, out: Object.fromEntries(Object.entries(res).filter(([, v]) => v.type === 'float32').map(([k, v]) => [k, Float32Array.from(v.data as Float32Array)])) }
}

/** Largest relative error over all outputs (the conformance metric); a missing output counts as infinitely wrong. */
function relDiff(a: Outputs, b: Outputs): number {
  return Math.max(0, ...Object.entries(b).map(([k, ref]) => (a[k]?.length === ref.length ? relErr(a[k]!, ref) : Number.POSITIVE_INFINITY)))
}

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] ?? Number.NaN
const base = { executionProviders: [values.provider ?? 'cuda'], graphOptimizationLevel: 'all', externalData } as ort.InferenceSession.SessionOptions

const plain = await ort.InferenceSession.create(bytes, base)
const [fa, fb] = inputs(plain)
const ref = [(await run(plain, fa)).out, (await run(plain, fb)).out]
const plainMs: number[] = []
for (let i = 0; i < runs; i++) plainMs.push((await run(plain, i % 2 === 0 ? fa : fb)).ms)
await plain.release()

const result: Record<string, unknown> = {
  graph: basename(values.graph), runs, ortVersion: ort.env.versions.common, plainMedianMs: Math.round(median(plainMs) * 100) / 100,
  inputsDiffer: relDiff(ref[0]!, ref[1]!),
}
try {
  const graphed = await ort.InferenceSession.create(bytes, {
    ...base, logSeverityLevel: 1, extra: { ep: { cuda: { enable_cuda_graph: '1' } } },
  } as ort.InferenceSession.SessionOptions)
  const ms: number[] = []
  const errs: number[] = []
  for (let i = 0; i < runs + 2; i++) {
    const which = i % 2
    const r = await run(graphed, which === 0 ? fa : fb)
    if (i >= 2) ms.push(r.ms)
    errs.push(relDiff(r.out, ref[which]!))
  }
  await graphed.release()
  Object.assign(result, {
    graphedOpened: true, graphedMedianMs: Math.round(median(ms) * 100) / 100,
    // Per run (inputs alternate a, b, a, …): error against the plain session's output for the same input.
    graphedRelErrPerRun: errs.map((e) => Number(e.toExponential(2))),
    graphedCorrect: errs.every((e) => e <= 1e-5),
  })
} catch (e) {
  Object.assign(result, { graphedOpened: false, error: String(e instanceof Error ? e.message : e).split('\n')[0]!.slice(0, 300) })
}
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, `cuda-graph-probe-${basename(values.graph, '.onnx')}.json`), `${JSON.stringify(result, null, 1)}\n`)
console.log(JSON.stringify(result))
