/**
 * Per-provider benchmark (issue 14): the same graphs on each execution provider, alone (no fallback).
 *   npx tsx test/bench/providers-bench.ts [--model models/vim-tiny-conformance.json] [--providers cuda,cpu]
 *     [--runs 30] [--out DIR]
 * For each provider: explainer session creation; one graph run with every output (the full bundle's graph
 * part: logits, all maps' vectors, gradients, LRP), median after two warm-ups; the whole bundle through
 * the engine (graph + every method, as the app runs it); the all-matrices graph for all layers at once;
 * forward-only throughput (the card's forward graph when it has one, else the explainer asked for logits
 * only), batch 1, back to back. With the CPU in the list, every output of every other provider is
 * compared with the CPU's (max |Δ| / max |CPU|). Where the card has a GPU-shaped graph (gpuGraph), it is
 * timed on every provider too (graph run, logits-only runs) and its outputs compared with the CPU's Scan graph;
 * the engine runs it on the providers the card names for it (main/worker/model-pool.ts). Writes DIR/providers-<model>-<date>.json. Not a test.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { basename, dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from '../../main/adapters/onnx/runtime'
import { relErr } from '../conformance/tolerance'
import { openSession, type OrtSession } from '../../main/adapters/onnx/session'
import { externalWeightsOf } from '../helpers/variant-weights'
import { isExecutionProvider } from '../../main/adapters/onnx/providers'
import type { EngineImage, ExecutionProvider } from '../../main/core/engine/api'
import { createEngine } from '../../main/engine'
import { syntheticFeeds } from './taps'

const { values } = parseArgs({ options: { model: { type: 'string' }, providers: { type: 'string' }, runs: { type: 'string' }, 'forward-runs': { type: 'string' }, out: { type: 'string' } } })
const cardPath = values.model ?? 'models/vim-tiny-conformance.json'
const providers = (values.providers ?? 'cuda,cpu').split(',')
if (!providers.every(isExecutionProvider)) throw new Error('--providers must list cuda, dml, webgpu or cpu')
const runs = Number(values.runs ?? 30)
// Forward-only runs are short, so more of them by default (fewer on a slow CPU: --forward-runs).
const forwardRuns = Number(values['forward-runs'] ?? Math.max(runs, 50))
const card = JSON.parse(readFileSync(cardPath, 'utf8')) as {
  name: string; sha256: string; file: string; layers: number; classes: string[]; input: { shape: number[] }
  matricesGraph?: string | { file: string }; forwardGraph?: { file: string }; gpuGraph?: { file: string; providers: string[] }
}
const dir = dirname(cardPath)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const round = (x: number): number => Math.round(x * 100) / 100

async function timedRuns(n: number, warm: number, f: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await f()
  const ms: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await f()
    ms.push(performance.now() - t)
  }
  return ms
}

async function open(file: string, provider: ExecutionProvider, memoryArena = true): Promise<{ session: OrtSession; createMs: number }> {
  const t = performance.now()
  const { session } = await openSession(readFileSync(join(dir, file)), { preferProviders: [provider], memoryArena, externalData: externalWeightsOf(join(dir, file)) })
  return { session, createMs: performance.now() - t }
}

function photo(width = 640, height = 480): EngineImage {
  const rgb = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set([(x * 255) / width, (y * 255) / height, (x ^ y) & 0xff], (y * width + x) * 3)
  return { width, height, rgb, sourceSha256: '0'.repeat(64) }
}

const outputs = new Map<ExecutionProvider, Record<string, Float32Array>>()
const perProvider: Record<string, unknown> = {}
for (const provider of providers) {
  const r: Record<string, unknown> = {}
  const ex = await open(card.file, provider)
  r['explainerSessionCreateMs'] = round(ex.createMs)
  const feeds = syntheticFeeds(card, 3)
  const all = await ex.session.run(feeds)
  outputs.set(provider, Object.fromEntries(Object.entries(all).map(([k, t]) => [k, t.data as Float32Array])))
  const graphMs = await timedRuns(runs, 2, () => ex.session.run(feeds))
  r['graphRunAllOutputsMs'] = { median: round(median(graphMs)), min: round(Math.min(...graphMs)), runs }

  // Matrices: every layer and direction in one run (G = 2Λ), fed from this run's taps.
  const matricesFile = typeof card.matricesGraph === 'string' ? card.matricesGraph : card.matricesGraph?.file
  if (matricesFile !== undefined) {
    const m = await open(matricesFile, provider, false)
    r['matricesSessionCreateMs'] = round(m.createMs)
    // The taps are [Λ, 2, …] and layer-major: all layers at once is the same data seen as [2Λ, …].
    const mFeeds = Object.fromEntries(['delta', 'B', 'C', 'A'].map((k) => [k, new ort.Tensor('float32', all[k]!.data as Float32Array, [2 * card.layers, ...all[k]!.dims.slice(2)])]))
    const mMs = await timedRuns(5, 1, () => m.session.run(mFeeds))
    r['allMatricesGraphMs'] = { median: round(median(mMs)), min: round(Math.min(...mMs)), runs: 5, layers: card.layers }
    await m.session.release()
  }

  // Forward only, batch 1, back to back: images per second.
  const fwd = card.forwardGraph !== undefined ? await open(card.forwardGraph.file, provider) : null
  const fwdRun = fwd !== null ? () => fwd.session.run({ image: feeds.image }) : () => ex.session.run(feeds, ['logits'])
  const fwdMs = await timedRuns(forwardRuns, 3, fwdRun)
  r['forwardOnly'] = { graph: fwd !== null ? 'forward variant' : 'explainer, logits only', batch: 1, medianMs: round(median(fwdMs)), imagesPerSecond: round(1000 / median(fwdMs)) }
  if (fwd !== null) await fwd.session.release()
  await ex.session.release()

  // The GPU-shaped graph on every provider listed (the engine runs it only on those the card names; the
  // CPU numbers say whether the CPU should keep the Scan graph).
  if (card.gpuGraph !== undefined) {
    const gx = await open(card.gpuGraph.file, provider)
    const gAll = await gx.session.run(feeds)
    outputs.set(`${provider}, GPU graph` as ExecutionProvider, Object.fromEntries(Object.entries(gAll).map(([k, t]) => [k, t.data as Float32Array])))
    const gMs = await timedRuns(runs, 2, () => gx.session.run(feeds))
    const gFwd = await timedRuns(forwardRuns, 3, () => gx.session.run(feeds, ['logits']))
    r['gpuGraph'] = {
      engineRunsItHere: card.gpuGraph.providers.includes(provider), sessionCreateMs: round(gx.createMs), graphRunAllOutputsMs: { median: round(median(gMs)), min: round(Math.min(...gMs)), runs },
      logitsOnly: { batch: 1, medianMs: round(median(gFwd)), imagesPerSecond: round(1000 / median(gFwd)) },
    }
    await gx.session.release()
  }

  // The whole bundle as the app runs it: engine (worker thread), graph + every method, top-1.
  const engine = await createEngine({ modelsDir: dir, preferProviders: [provider], preload: false, precomputeMatrices: 'never' })
  const image = photo()
  const modelId = basename(cardPath, '.json')
  await engine.explain(image, { modelId })
  const bundle: number[] = []
  let ran: string | undefined
  for (let i = 0; i < Math.min(runs, 15); i++) {
    const t = performance.now()
    const res = await engine.explain(image, { modelId })
    bundle.push(performance.now() - t)
    ran = res.provider
  }
  r['engineBundleMs'] = { median: round(median(bundle)), min: round(Math.min(...bundle)), runs: bundle.length, provider: ran }
  await engine.close()
  perProvider[provider] = r
  console.log(provider, JSON.stringify(r))
}

const cpu = outputs.get('cpu')
const agreement: Record<string, Record<string, number>> = {}
if (cpu !== undefined) {
  for (const [p, outs] of outputs) {
    if (p === 'cpu') continue
    agreement[p] = Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, Number(relErr(v, cpu[k]!).toExponential(2))]))
  }
}
const result = {
  date: new Date().toISOString(), host: os.hostname(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version,
  runtime: `onnxruntime-node ${ort.env.versions.common ?? ''}`, tf32Override: process.env['NVIDIA_TF32_OVERRIDE'] ?? null,
  model: card.name, sha256: card.sha256, providers: perProvider, outputsRelErrVsCpu: agreement,
}
const outDir = values.out ?? 'docs/bench'
mkdirSync(outDir, { recursive: true })
const file = join(outDir, `providers-${card.name}-${result.date.slice(0, 10)}.json`)
writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`)
console.log(JSON.stringify(agreement))
console.log(`wrote ${file}`)
