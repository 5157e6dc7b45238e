/**
 * What ORT's graph optimiser costs and buys (docs/BENCHMARKS.md, "Decisions"):
 * `npx tsx test/bench/opt-levels.ts [card.json] [--rounds N]`. For each optimisation level, alternating
 * round by round: session creation, three runs of one deterministic input (the first one includes ORT's
 * warm-up), and the largest difference of any output to level 'all'. Not a test: no asserts; prints JSON lines.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from '../../main/adapters/onnx/runtime'
import { syntheticFeeds } from './taps'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string' } } })
const cardPath = positionals[0] ?? 'models/vim-tiny-conformance.json'
const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { file: string; classes: string[]; input: { shape: number[] } }
const bytes = readFileSync(join(dirname(cardPath), card.file))
const feeds = syntheticFeeds(card)
const levels = ['disabled', 'basic', 'extended', 'all'] as const
const samples = Object.fromEntries(levels.map((l) => [l, { createMs: [] as number[], runsMs: [] as number[][] }]))
const outputs: Partial<Record<(typeof levels)[number], ort.InferenceSession.ReturnType>> = {}
for (let r = 0; r < Number(values.rounds ?? 2); r++) {
  for (const level of levels) {
    const t0 = performance.now()
    const s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: level, extra: { session: { set_denormal_as_zero: '1' } }, logSeverityLevel: 3 })
    samples[level]!.createMs.push(Math.round(performance.now() - t0))
    const runs: number[] = []
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      outputs[level] = await s.run(feeds)
      runs.push(Math.round(performance.now() - t))
    }
    samples[level]!.runsMs.push(runs)
    await s.release()
  }
}
for (const level of levels) {
  let diff = 0
  for (const [name, t] of Object.entries(outputs['all']!)) {
    const a = t.data as Float32Array, b = outputs[level]![name]!.data as Float32Array
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!))
  }
  console.log(JSON.stringify({ level, ...samples[level], maxAbsDiffToAll: diff }))
}
