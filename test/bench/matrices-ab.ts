/**
 * Back-to-back A/B of matrices graphs on the same taps, in one process (docs/BENCHMARKS.md, "All
 * matrices"): `npx tsx test/bench/matrices-ab.ts <card.json> <graph.onnx> [<graph.onnx> …]`, e.g. the
 * committed graph against the one of an earlier commit (`git show REV:models/….matrices.onnx > old.onnx`).
 * Runs every layer as the worker does (one run per layer, G = 2: both directions), alternating the
 * graphs round by round; prints per graph the median and all rounds (ms) and the largest difference to
 * the first graph relative to its maximum. `ACCURACY_EVERY=k` also compares every k-th layer (both
 * directions) with the float64 TypeScript reference (core/attention/matrix.ts, ≈2.6 s per
 * layer-direction for Vim-T): the worst and median error of a row (column) relative to that row's
 * (column's) largest value, the measure of the drill-down conformance tests. Not a test: no asserts.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as ort from '../../main/adapters/onnx/runtime'
import { attentionFactors } from '../../main/core/attention/factors'
import { attentionMatrix } from '../../main/core/attention/matrix'
import { layerFeeds, syntheticFeeds } from './taps'

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
const feeds = Object.fromEntries(Object.entries(syntheticFeeds(card)).filter(([name]) => explainer.inputNames.includes(name)))
const taps = await explainer.run(feeds, ['delta', 'B', 'C', 'A'])
await explainer.release()
const [layers = 0] = taps['delta']!.dims

// As the worker opens it: no memory arena (matrices-jobs.ts / model-pool.ts).
const sessions = await Promise.all(graphs.map((g) => ort.InferenceSession.create(g, { ...opts, enableCpuMemArena: false, enableMemPattern: false })))
const times = graphs.map((): number[] => [])
const outputs: Float32Array[][] = graphs.map(() => [])
for (let r = 0; r < rounds; r++) {
  for (const [k, s] of sessions.entries()) {
    const t0 = performance.now()
    for (let l = 0; l < layers; l++) {
      const m = (await s.run(layerFeeds(taps, layers, l)))['matrices']!.data as Float32Array
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

/** Errors of each row (axis 'row') or column relative to that vector's largest reference value. */
function vectorErrors(ours: Float32Array, ref: Float64Array, L: number, axis: 'row' | 'col'): number[] {
  const out: number[] = []
  for (let a = 0; a < L; a++) {
    let err = 0, scale = 0
    for (let b = 0; b < L; b++) {
      const k = axis === 'row' ? a * L + b : b * L + a
      err = Math.max(err, Math.abs(ours[k]! - ref[k]!))
      scale = Math.max(scale, Math.abs(ref[k]!))
    }
    if (scale > 0) out.push(err / scale)
  }
  return out
}

const every = Number(process.env['ACCURACY_EVERY'] ?? 0)
if (every > 0) {
  const tap = (k: string) => ({ data: taps[k]!.data as Float32Array, shape: taps[k]!.dims as number[] })
  const f = attentionFactors({ delta: tap('delta'), B: tap('B'), C: tap('C'), A: tap('A') })
  const L = f.tokens
  const errs = graphs.map(() => ({ row: [] as number[], col: [] as number[] }))
  for (let l = 0; l < layers; l += every) {
    for (const d of [0, 1] as const) {
      const ref = attentionMatrix(f, l, d)                       // original order
      for (const [k] of graphs.entries()) {
        const scan = outputs[k]![l]!.subarray(d * L * L, (d + 1) * L * L)
        const ours = new Float32Array(L * L)
        for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) ours[d === 0 ? i * L + j : (L - 1 - i) * L + (L - 1 - j)] = scan[i * L + j]!
        errs[k]!.row.push(...vectorErrors(ours, ref, L, 'row'))
        errs[k]!.col.push(...vectorErrors(ours, ref, L, 'col'))
      }
    }
  }
  const stats = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return { worst: s[s.length - 1], median: s[s.length >> 1] } }
  for (const [k, g] of graphs.entries()) console.log(JSON.stringify({ graph: g, layers: `every ${every}`, rowErrorRelative: stats(errs[k]!.row), columnErrorRelative: stats(errs[k]!.col) }))
}
