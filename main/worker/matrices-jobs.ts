/**
 * Channel-mean matrices of a cached run (ALGORITHMS.md §2.1–2.2), computed per layer ("piece": both
 * directions, matrix-pieces.ts). From the card's weight-free matrices graph with G = 2 when it has one,
 * else (or where the graph's result is not finite) from the TypeScript reference (O(L²·E·N) per
 * layer-direction: instant for the small conformance model, ≈2 s per direction for Vim-T —
 * docs/BENCHMARKS.md).
 *
 * Why per layer even for a user's `matrices()` call: measured on Vim-T, 2 cores, 24 runs with G = 2 take
 * about as long as one run with G = 48 (6.2 s vs 5.4–6.5 s) while the graph's peak memory is 1/24th.
 */
import * as ort from '../adapters/onnx/runtime'
import { attentionFactorsFromTaps } from '../core/attention/factors'
import { attentionMatrix } from '../core/attention/matrix'
import { repairRange } from '../core/attention/range-repair'
import { AppError } from '../core/errors'
import type { Tap } from '../core/explain/method'
import { matricesGraphOf, type MatricesGraphSpec } from '../adapters/models/card'
import { fromOrt } from '../adapters/onnx/from-ort'
import type { OrtSession } from '../adapters/onnx/session'
import type { JobContext, JobOutput } from './explain-job'
import type { MatricesPieceReq, MatricesPieceRes, MatricesReq, MatricesRes, WorkerModelSpec } from './protocol'
import { transferablesOf } from './protocol'
import type { CachedRun } from './run-cache'

/** Rank the graph declares for a value (0 when it declares none). */
function declaredRank(meta: readonly { readonly name: string; readonly isTensor: boolean; readonly shape?: readonly unknown[] }[], name: string): number {
  const m = meta.find((x) => x.name === name)
  return m !== undefined && m.isTensor && m.shape !== undefined ? m.shape.length : 0
}

/**
 * One layer through the matrices graph. The exporter's graph takes the layer and direction axes merged
 * (`[G, L, …]`; here G = 2, the layer's two directions, a contiguous block of the taps' `[Λ, 2, L, …]`);
 * a graph with separate axes (`[Λ', 2, L, …]`) gets `[1, 2, L, …]`. Returns `[2, L, L]` original order.
 */
async function graphPiece(session: OrtSession, run: CachedRun, layer: number, spec: MatricesGraphSpec): Promise<{ piece: Float32Array; range?: Float32Array }> {
  const Λ = run.taps.layers
  const L = run.taps.layout.tokens
  const feeds: Record<string, ort.Tensor> = {}
  for (const name of session.inputNames) {
    const t = run.taps.tensors[name as Tap]
    if (t === undefined) throw new AppError('model/manifest-mismatch', { detail: { matricesInput: name } })
    const per = t.data.length / Λ
    const merged = declaredRank(session.inputMetadata, name) === t.shape.length - 1
    const dims = merged ? [2, ...t.shape.slice(2)] : [1, 2, ...t.shape.slice(2)]
    // A view, not a copy: ORT reads the typed array from its byte offset (checked against the TS reference in tests).
    feeds[name] = new ort.Tensor('float32', t.data.subarray(layer * per, (layer + 1) * per), dims)
  }
  const outName = spec.output ?? session.outputNames[0]
  if (outName === undefined) throw new AppError('model/manifest-mismatch', { detail: { reason: 'matrices graph has no output' } })
  // The exporter's graph also reports each token's float64 factor range (range-repair.ts).
  const fetches = session.outputNames.includes(RANGE_OUTPUT) ? [outName, RANGE_OUTPUT] : [outName]
  let res: ort.InferenceSession.ReturnType
  try {
    res = await session.run(feeds, fetches)
  } catch (e) {
    throw new AppError('model/inference-failed', { cause: e })
  }
  const t = res[outName]
  if (t === undefined) throw new AppError('model/output-missing', { detail: { output: outName } })
  const m = fromOrt(outName, t, t.dims.length === 3 ? [2, L, L] : [1, 2, L, L]).data
  const r = res[RANGE_OUTPUT]
  const range = r !== undefined ? fromOrt(RANGE_OUTPUT, r, [2, L]).data : undefined
  if (spec.order === 'original') return { piece: m.slice(0, 2 * L * L), ...(range !== undefined ? { range } : {}) }
  // Scan order → original: direction 1 is flipped on both axes (spec §2.2, like attn_bwd_flipped).
  const out = new Float32Array(2 * L * L)
  out.set(m.subarray(0, L * L))
  const base = L * L
  for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) out[base + (L - 1 - i) * L + (L - 1 - j)] = m[base + i * L + j]!
  return { piece: out, ...(range !== undefined ? { range } : {}) }
}

/** Optional second output of a matrices graph: per token, the largest |exponent| of its float64 factors. */
const RANGE_OUTPUT = 'range'

/** True when every entry is finite: a sum of finite float32 values cannot overflow float64. */
function allFinite(a: Float32Array): boolean {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i]!
  return Number.isFinite(sum)
}

function typescriptPiece(run: CachedRun, layer: number): Float32Array {
  const f = attentionFactorsFromTaps(run.taps)
  const L = f.tokens
  const out = new Float32Array(2 * L * L)
  for (const d of [0, 1] as const) out.set(attentionMatrix(f, layer, d), d * L * L)
  return out
}

/** Computes and stores the piece of `layer` unless it is there already. */
async function ensurePiece(run: CachedRun, layer: number, model: WorkerModelSpec, ctx: JobContext): Promise<MatricesPieceRes['source']> {
  if (run.pieces.has(layer)) return 'cache'
  const loaded = (await ctx.pool.ensure(model)).model
  const session = await ctx.pool.matricesSession(loaded)
  const spec = matricesGraphOf(loaded.spec.card)
  if (session !== undefined && spec !== undefined) {
    const { piece, range } = await graphPiece(session, run, layer, spec)
    // Rows and columns of tokens beyond the graph's float64 range are recomputed exactly
    // (core/attention/range-repair.ts); anything still not finite (a graph without the range output, or
    // one that fails otherwise) falls back to the TypeScript reference for the whole piece.
    if (range !== undefined) repairRange(piece, range, () => attentionFactorsFromTaps(run.taps), layer)
    if (allFinite(piece)) {
      run.pieces.set(layer, piece)
      return 'graph'
    }
  }
  run.pieces.set(layer, typescriptPiece(run, layer))
  return 'typescript'
}

/** One background piece (host priority 'background'; the engine schedules one per missing layer). */
export async function matricesPieceJob(req: MatricesPieceReq, ctx: JobContext): Promise<JobOutput<MatricesPieceRes>> {
  const t0 = performance.now()
  const run = ctx.runs.get(req.runId) ?? ctx.runs.byInput(req.key) ?? ctx.runs.require(req.runId)
  const source = await ensurePiece(run, req.layer, req.model, ctx)
  return { value: { layer: req.layer, source, matrices: run.pieces.state(), durationMs: performance.now() - t0 }, transfer: [] }
}

const PROGRESS_EVERY_MS = 100

/** All channel-mean matrices of a run (a user's request: interactive); missing pieces are computed now. */
export async function matricesJob(req: MatricesReq, ctx: JobContext): Promise<JobOutput<MatricesRes>> {
  const t0 = performance.now()
  const run = ctx.runs.require(req.runId)
  const missing = run.pieces.missing()
  let source: MatricesRes['source'] = 'cache'
  let reported = t0
  for (const [k, layer] of missing.entries()) {
    const s = await ensurePiece(run, layer, req.model, ctx)
    if (s !== 'cache') source = s
    // At most ~10 progress messages a second: each one costs the worker a postMessage (≈0.3 ms).
    const now = performance.now()
    if (now - reported >= PROGRESS_EVERY_MS || k === missing.length - 1) {
      ctx.progress('matrices', (k + 1) / missing.length)
      reported = now
    }
  }
  // The worker keeps its pieces for drill-down lookups; the caller gets its own copy.
  const data = run.pieces.assemble()
  return { value: { data, layers: run.pieces.layers, tokens: run.pieces.tokens, source, durationMs: performance.now() - t0 }, transfer: transferablesOf([data]) }
}
