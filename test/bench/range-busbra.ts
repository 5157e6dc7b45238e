/**
 * How often real images take the matrices graph past its float64 range (docs/BENCHMARKS.md, "Range of
 * the float64 form"): `npx tsx test/bench/range-busbra.ts [card.json] [--every N] [--graph other.onnx]`.
 * Reads every N-th BUS-BRA image from ../shared/data at run time (nothing is stored), runs the card's
 * forward graph with the card's preprocessing (stretch to the input size, ImageNet mean/std), then the
 * card's matrices graph per layer: counts the tokens whose rows and columns core/attention/range-repair.ts
 * recomputes, the largest range, and the non-finite entries the graph alone returns (of --graph instead,
 * e.g. an older graph). Not a test: no asserts; prints JSON lines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from '../../main/adapters/onnx/runtime'
import sharp from 'sharp'
import { rangeUnsafeTokens } from '../../main/core/attention/range-repair'
import { layerFeeds } from './taps'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: 'string' }, graph: { type: 'string' } } })
const cardPath = positionals[0] ?? 'models/vim-busbra-d12.json'
const images = join(import.meta.dirname, '../../../shared/data/busbra/Images')
if (!existsSync(images)) {
  console.error(`range-busbra: skipped, ${images} is absent (the BUS-BRA data lives in ../shared/data)`)
  process.exit(0)
}
type Card = { input: { shape: number[]; mean: number[]; std: number[] }; forwardGraph?: { file: string }; file: string; layers: number; matricesGraph: { file: string } | string }
const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Card
const opts: ort.InferenceSession.SessionOptions = { extra: { session: { set_denormal_as_zero: '1' } }, logSeverityLevel: 3 }
const forward = await ort.InferenceSession.create(join(dirname(cardPath), card.forwardGraph?.file ?? card.file), opts)
const matricesFile = typeof card.matricesGraph === 'string' ? card.matricesGraph : card.matricesGraph.file
const matrices = await ort.InferenceSession.create(values.graph ?? join(dirname(cardPath), matricesFile), opts)
const [, , H = 224, W = 224] = card.input.shape
const { mean, std } = card.input
const files = readdirSync(images).filter((f) => f.endsWith('.png')).sort().filter((_, i) => i % Number(values.every ?? 90) === 0)
let withRepairs = 0, tokens = 0, nonFiniteImages = 0, nonFinite = 0, maxRange = 0
for (const [n, f] of files.entries()) {
  const { data } = await sharp(join(images, f)).removeAlpha().toColourspace('srgb').resize(W, H, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true })
  const x = new Float32Array(3 * H * W)
  for (let c = 0; c < 3; c++) for (let p = 0; p < H * W; p++) x[c * H * W + p] = (data[p * 3 + c]! / 255 - mean[c]!) / std[c]!
  const o = await forward.run({ image: new ort.Tensor('float32', x, card.input.shape) }, ['delta', 'B', 'C', 'A'])
  let flagged = 0, bad = 0, top = 0
  for (let l = 0; l < card.layers; l++) {
    const res = await matrices.run(layerFeeds(o, card.layers, l))
    for (const v of res['matrices']!.data as Float32Array) if (!Number.isFinite(v)) bad++
    const range = res['range']?.data as Float32Array | undefined
    if (range === undefined) continue
    const L = range.length / 2
    for (const d of [0, 1] as const) flagged += rangeUnsafeTokens(range.subarray(d * L, (d + 1) * L), d).length
    for (const v of range) top = Math.max(top, v)
  }
  withRepairs += flagged > 0 ? 1 : 0
  tokens += flagged
  nonFiniteImages += bad > 0 ? 1 : 0
  nonFinite += bad
  maxRange = Math.max(maxRange, top)
  console.log(JSON.stringify({ image: n, repairedTokens: flagged, maxRange: Math.round(top), nonFiniteEntries: bad }))
}
console.log(JSON.stringify({ images: files.length, withRepairs, meanTokens: tokens / files.length, maxRange: Math.round(maxRange), nonFiniteImages, nonFinite }))
