/**
 * Back-to-back A/B of matrices graphs on the same taps, in one process (docs/BENCHMARKS.md, "All
 * matrices"): `npx tsx test/bench/matrices-ab.ts <card.json> <graph.onnx> [<graph.onnx> …]`, e.g. the
 * committed graph against the one of an earlier commit (`git show REV:models/….matrices.onnx > old.onnx`).
 * Runs every layer as the worker does (one run per layer, G = 2: both directions), alternating the
 * graphs round by round; prints per graph the median and all rounds (ms) and the largest difference to
 * the first graph relative to its maximum. Not a test: no asserts.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'

const [cardPath, ...graphs] = process.argv.slice(2)
if (cardPath === undefined || graphs.length === 0) {
  console.error('usage: matrices-ab.ts <card.json> <graph.onnx> [<graph.onnx> …]')
  process.exit(2)
}
const rounds = Number(process.env['ROUNDS'] ?? 6)
const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { file: string; classes: string[]; input: { shape: number[] } }
const opts: ort.InferenceSession.SessionOptions = { extra: { session: { set_denormal_as_zero: '1' } }, logSeverityLevel: 3 }

// Taps of one deterministic input (the factors do not depend on the explained class).
const explainer = await ort.InferenceSession.create(join(dirname(cardPath), card.file), opts)
const size = card.input.shape.reduce((a, b) => a * b, 1)
const feeds: Record<string, ort.Tensor> = { image: new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.001)), card.input.shape) }
if (explainer.inputNames.includes('target')) feeds['target'] = new ort.Tensor('float32', new Float32Array(card.classes.length), [card.classes.length])
const taps = await explainer.run(feeds, ['delta', 'B', 'C', 'A'])
await explainer.release()
const [layers = 0] = taps['delta']!.dims

function piece(layer: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {}
  for (const k of ['delta', 'B', 'C', 'A']) {
    const t = taps[k]!
    const per = (t.data as Float32Array).length / layers
    out[k] = new ort.Tensor('float32', (t.data as Float32Array).subarray(layer * per, (layer + 1) * per), [2, ...t.dims.slice(2)])
  }
  return out
}

// As the worker opens it: no memory arena (matrices-jobs.ts / model-pool.ts).
const sessions = await Promise.all(graphs.map((g) => ort.InferenceSession.create(g, { ...opts, enableCpuMemArena: false, enableMemPattern: false })))
const times = graphs.map((): number[] => [])
const outputs: Float32Array[][] = graphs.map(() => [])
for (let r = 0; r < rounds; r++) {
  for (const [k, s] of sessions.entries()) {
    const t0 = performance.now()
    for (let l = 0; l < layers; l++) {
      const m = (await s.run(piece(l)))['matrices']!.data as Float32Array
      if (r === 0) outputs[k]!.push(m)
    }
    times[k]!.push(Math.round(performance.now() - t0))
  }
}
for (const [k, g] of graphs.entries()) {
  let diff = 0, max = 0
  outputs[k]!.forEach((m, l) => m.forEach((v, i) => { const ref = outputs[0]![l]![i]!; diff = Math.max(diff, Math.abs(v - ref)); max = Math.max(max, Math.abs(ref)) }))
  const sorted = [...times[k]!].sort((a, b) => a - b)
  console.log(JSON.stringify({ graph: g, medianMs: sorted[sorted.length >> 1], roundsMs: times[k], maxDiffRelativeToFirst: diff / max }))
}
