/**
 * How often real images take the matrices graph past its float64 range (docs/BENCHMARKS.md, "Range of
 * the float64 form"): `npx tsx test/bench/range-busbra.ts [card.json] [--every N] [--graph other.onnx]`.
 * Reads every N-th BUS-BRA image from ../shared/data at run time (nothing is stored), runs the card's
 * forward graph with the card's preprocessing (stretch to the input size, ImageNet mean/std), counts
 * the columns that core/attention/range-repair.ts recomputes, and, with --graph, the non-finite entries
 * that graph alone returns. Not a test: no asserts; prints JSON lines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { attentionFactors } from '../../main/core/attention/factors'
import { rangeUnsafeColumns } from '../../main/core/attention/range-repair'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: 'string' }, graph: { type: 'string' } } })
const cardPath = positionals[0] ?? 'models/vim-busbra-d12.json'
const images = join(import.meta.dirname, '../../../shared/data/busbra/Images')
if (!existsSync(images)) {
  console.error(`range-busbra: skipped, ${images} is absent (the BUS-BRA data lives in ../shared/data)`)
  process.exit(0)
}
type Card = { input: { shape: number[]; mean: number[]; std: number[] }; forwardGraph?: { file: string }; file: string; matricesGraph: { chunk?: number } | string }
const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Card
const chunk = typeof card.matricesGraph === 'string' ? 32 : card.matricesGraph.chunk ?? 32
const opts: ort.InferenceSession.SessionOptions = { extra: { session: { set_denormal_as_zero: '1' } }, logSeverityLevel: 3 }
const forward = await ort.InferenceSession.create(join(dirname(cardPath), card.forwardGraph?.file ?? card.file), opts)
const other = values.graph !== undefined ? await ort.InferenceSession.create(values.graph, opts) : undefined
const [, , H = 224, W = 224] = card.input.shape
const { mean, std } = card.input
const files = readdirSync(images).filter((f) => f.endsWith('.png')).sort().filter((_, i) => i % Number(values.every ?? 90) === 0)
let withRepairs = 0, columns = 0, nonFiniteImages = 0, nonFinite = 0
for (const [n, f] of files.entries()) {
  const { data } = await sharp(join(images, f)).removeAlpha().toColourspace('srgb').resize(W, H, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true })
  const x = new Float32Array(3 * H * W)
  for (let c = 0; c < 3; c++) for (let p = 0; p < H * W; p++) x[c * H * W + p] = (data[p * 3 + c]! / 255 - mean[c]!) / std[c]!
  const feeds: Record<string, ort.Tensor> = { image: new ort.Tensor('float32', x, card.input.shape) }
  const o = await forward.run(feeds, ['delta', 'B', 'C', 'A'])
  const tap = (k: string) => ({ data: o[k]!.data as Float32Array, shape: o[k]!.dims as number[] })
  const fa = attentionFactors({ delta: tap('delta'), B: tap('B'), C: tap('C'), A: tap('A') })
  let cols = 0
  for (let l = 0; l < fa.layers; l++) for (const d of [0, 1] as const) cols += rangeUnsafeColumns(fa, l, d, chunk).length
  let bad = 0
  if (other !== undefined) {
    for (let l = 0; l < fa.layers; l++) {
      const layerFeeds: Record<string, ort.Tensor> = {}
      for (const k of ['delta', 'B', 'C', 'A']) {
        const t = tap(k)
        const per = t.data.length / fa.layers
        layerFeeds[k] = new ort.Tensor('float32', t.data.subarray(l * per, (l + 1) * per), [2, ...t.shape.slice(2)])
      }
      for (const v of (await other.run(layerFeeds))['matrices']!.data as Float32Array) if (!Number.isFinite(v)) bad++
    }
  }
  withRepairs += cols > 0 ? 1 : 0
  columns += cols
  nonFiniteImages += bad > 0 ? 1 : 0
  nonFinite += bad
  console.log(JSON.stringify({ image: n, repairedColumns: cols, ...(other !== undefined ? { nonFiniteEntries: bad } : {}) }))
}
console.log(JSON.stringify({ images: files.length, withRepairs, meanColumns: columns / files.length, ...(other !== undefined ? { nonFiniteImages, nonFinite } : {}) }))
