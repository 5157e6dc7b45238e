/**
 * Micro-bench behind the background-matrices design (docs/BENCHMARKS.md, "Decisions"):
 * `npx tsx test/bench/matrices-pieces.ts [card.json]` (default Vim-T conformance).
 * - the matrices graph for all layers at once (G = 2Λ) vs one layer per run (Λ runs with G = 2);
 * - one piece (G = 2) vs the TypeScript row + column of one token for one layer (the drill-down's
 *   factors path), i.e. which path should fill the layers whose piece is missing;
 * - a small ORT graph for the row + column of one token (built here, weight-free: one exp per
 *   (token, channel, state) like the TypeScript path, but vectorised by ORT) vs TypeScript, 24 layers;
 * - whether the factors Δ, B, C, A depend on the explained class (bitwise), i.e. whether runs of the
 *   same image may share their pieces.
 * Not a test: no asserts; prints a JSON line.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as ort from '../../main/adapters/onnx/runtime'
import { drilldownVectors } from '../../main/core/attention/drilldown'
import { attentionFactors } from '../../main/core/attention/factors'
import { DT_INT64, encodeModel, type NodeDef, type TensorInit } from '../main/adapters/onnx/fixtures/onnx-writer'
import { syntheticFeeds } from './taps'

interface Card { file: string; matricesGraph?: string | { file: string }; layers: number; tokens: number; classes: string[]; input: { shape: number[] } }
const cardPath = process.argv[2] ?? 'models/vim-tiny-conformance.json'
const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Card
const dir = dirname(cardPath)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const round = (x: number): number => Math.round(x * 10) / 10

const explainer = await ort.InferenceSession.create(join(dir, card.file))
const run = async (cls: number): Promise<Record<string, Float32Array>> => {
  const o = await explainer.run(syntheticFeeds(card, cls), ['delta', 'B', 'C', 'A'])
  const out: Record<string, Float32Array> = {}
  for (const [k, t] of Object.entries(o)) out[k] = t.data as Float32Array
  return out
}
const taps = await run(3)
const other = await run(card.classes.length - 1)
const sameFactors = ['delta', 'B', 'C', 'A'].every((n) => taps[n]!.every((v, i) => Object.is(v, other[n]![i])))

const Λ = card.layers
const L = card.tokens
const E = taps['delta']!.length / (Λ * 2 * L)
const N = taps['B']!.length / (Λ * 2 * L)
const matricesFile = typeof card.matricesGraph === 'string' ? card.matricesGraph : card.matricesGraph?.file
const m = await ort.InferenceSession.create(join(dir, matricesFile ?? ''), { enableCpuMemArena: false, extra: { session: { set_denormal_as_zero: '1' } } })
const feeds = (g0: number, G: number): Record<string, ort.Tensor> => {
  const cut = (n: string, per: number, tail: number[]): ort.Tensor => new ort.Tensor('float32', taps[n]!.subarray(g0 * per, (g0 + G) * per), [G, ...tail])
  return { delta: cut('delta', L * E, [L, E]), B: cut('B', L * N, [L, N]), C: cut('C', L * N, [L, N]), A: cut('A', E * N, [E, N]) }
}
const f = attentionFactors({
  delta: { data: taps['delta']!, shape: [Λ, 2, L, E] }, B: { data: taps['B']!, shape: [Λ, 2, L, N] },
  C: { data: taps['C']!, shape: [Λ, 2, L, N] }, A: { data: taps['A']!, shape: [Λ, 2, E, N] },
})
/**
 * out[g, j] = (1/E) Σ_e V[j,e] Σ_n W[j,n] exp(A[e,n]·|S_j − S_i|), i = idx[g] (scan order): for j ≤ i the
 * row (V = Δ_j, W = C_i·B_j), for j ≥ i the column (V = Δ_i, W = C_j·B_i); S = cumsum Δ in float64.
 */
function rowColGraph(G: number): Uint8Array {
  const nodes: NodeDef[] = []
  const inits: TensorInit[] = []
  const n = (op: string, inputs: string[], out: string, attrs?: NodeDef['attrs']): void => {
    nodes.push(attrs !== undefined ? { op, inputs, outputs: [out], attrs } : { op, inputs, outputs: [out] })
  }
  const i64 = (name: string, v: number[], dims = [v.length]): void => { inits.push({ name, dims, int64: v }) }
  const axis = (v: number): NodeDef['attrs'] => ({ axis: { kind: 'int', v } })
  i64('ax1', [1], []); i64('ax1v', [1]); i64('ax2', [2]); i64('ax3', [3]); i64('shapeE', [G, 1, E]); i64('shapeN', [G, 1, N])
  i64('range', Array.from({ length: L }, (_, k) => k), [1, L, 1])
  inits.push({ name: 'invE', dims: [], float: new Float32Array([1 / E]) })
  n('Cast', ['delta'], 'd64', { to: { kind: 'int', v: 11 } })
  n('CumSum', ['d64', 'ax1'], 'S')
  n('Expand', ['idx', 'shapeE'], 'idxE'); n('Expand', ['idx', 'shapeN'], 'idxN')
  n('GatherElements', ['S', 'idxE'], 'Si', axis(1))
  n('Sub', ['S', 'Si'], 'Dd'); n('Abs', ['Dd'], 'Da'); n('Cast', ['Da'], 'D', { to: { kind: 'int', v: 1 } })
  n('Unsqueeze', ['D', 'ax3'], 'D4'); n('Unsqueeze', ['A', 'ax1v'], 'A4'); n('Mul', ['D4', 'A4'], 'X'); n('Exp', ['X'], 'Y')
  n('LessOrEqual', ['range', 'idx'], 'M')
  n('GatherElements', ['C', 'idxN'], 'Ci', axis(1)); n('GatherElements', ['B', 'idxN'], 'Bi', axis(1)); n('GatherElements', ['delta', 'idxE'], 'di', axis(1))
  n('Mul', ['Ci', 'B'], 'Wr'); n('Mul', ['C', 'Bi'], 'Wc'); n('Where', ['M', 'Wr', 'Wc'], 'W'); n('Where', ['M', 'delta', 'di'], 'V')
  n('Unsqueeze', ['W', 'ax2'], 'W4'); n('Mul', ['Y', 'W4'], 'YW'); n('ReduceSum', ['YW', 'ax3'], 'Z', { keepdims: { kind: 'int', v: 0 } })
  n('Mul', ['Z', 'V'], 'ZV'); n('ReduceSum', ['ZV', 'ax2'], 'sum', { keepdims: { kind: 'int', v: 0 } }); n('Mul', ['sum', 'invE'], 'out')
  return encodeModel({
    name: 'rowcol', nodes, initializers: inits, outputs: [{ name: 'out', dims: [G, L] }],
    inputs: [{ name: 'delta', dims: [G, L, E] }, { name: 'B', dims: [G, L, N] }, { name: 'C', dims: [G, L, N] }, { name: 'A', dims: [G, E, N] }, { name: 'idx', dims: [G, 1, 1], elemType: DT_INT64 }],
  })
}
const token = Math.floor(L / 2)
const rowCol = await ort.InferenceSession.create(rowColGraph(2 * Λ), { enableCpuMemArena: false, extra: { session: { set_denormal_as_zero: '1' } } })
const idx = BigInt64Array.from({ length: 2 * Λ }, (_, g) => BigInt(g % 2 === 0 ? token : L - 1 - token))
const ortRowCol: number[] = []
const tsRowColAll: number[] = []
let rowColErr = 0
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now()
  const out = (await rowCol.run({ ...feeds(0, 2 * Λ), idx: new ort.Tensor('int64', idx, [2 * Λ, 1, 1]) }))['out']!.data as Float32Array
  ortRowCol.push(performance.now() - t)
  t = performance.now()
  const ref = drilldownVectors(f, token)
  tsRowColAll.push(performance.now() - t)
  for (let g = 0; g < 2 * Λ; g++) {
    const d = g % 2
    const i = d === 0 ? token : L - 1 - token
    for (const [vec, keep] of [[ref.rows[g >> 1]![d]!, (j: number) => j <= i], [ref.cols[g >> 1]![d]!, (j: number) => j >= i]] as const) {
      let num = 0
      let den = 0
      for (let j = 0; j < L; j++) {
        if (!keep(j)) continue
        const r = vec[d === 0 ? j : L - 1 - j]!
        num = Math.max(num, Math.abs(out[g * L + j]! - r))
        den = Math.max(den, Math.abs(r))
      }
      rowColErr = Math.max(rowColErr, den === 0 ? num : num / den)
    }
  }
}
await rowCol.release()

const all: number[] = []
const perLayerTotal: number[] = []
const piece: number[] = []
const tsLayer: number[] = []
for (let rep = 0; rep < 2; rep++) {
  let t = performance.now()
  await m.run(feeds(0, 2 * Λ))
  all.push(performance.now() - t)
  t = performance.now()
  for (let l = 0; l < Λ; l++) {
    const t1 = performance.now()
    await m.run(feeds(2 * l, 2))
    piece.push(performance.now() - t1)
  }
  perLayerTotal.push(performance.now() - t)
  for (let l = 0; l < Λ; l += Math.max(1, Math.floor(Λ / 6))) {
    t = performance.now()
    drilldownVectors(f, Math.floor(L / 2), [l])
    tsLayer.push(performance.now() - t)
  }
}
console.log(JSON.stringify({
  card: cardPath, allLayersOneRunMs: all.map(round), perLayerRunsTotalMs: perLayerTotal.map(round),
  pieceMedianMs: round(median(piece)), tsRowColOneLayerMedianMs: round(median(tsLayer)), factorsIndependentOfClass: sameFactors,
  ortRowColAllLayersMs: ortRowCol.map(round), tsRowColAllLayersMs: tsRowColAll.map(round), ortRowColMaxRelErr: rowColErr,
  peakRssMB: Math.round(process.memoryUsage().rss / 1e6),
}))
