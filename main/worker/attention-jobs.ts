/**
 * Drill-down and full matrices of a cached run (ALGORITHMS.md §2.1–2.2), in the worker.
 * Drill-down reads the matrices when they are already computed (a lookup), else computes the row and
 * column of the token from the factors (main/core/attention). Matrices come from the card's weight-free
 * matrices graph when it has one, else from the TypeScript reference (O(L²·E·N) per layer: fine for
 * the small conformance model, minutes for Vim-T/S — see docs/BENCHMARKS.md).
 */
import * as ort from 'onnxruntime-node'
import { drilldownVectors } from '../core/attention/drilldown'
import { attentionFactorsFromTaps } from '../core/attention/factors'
import { attentionMatrix } from '../core/attention/matrix'
import { AppError } from '../core/errors'
import type { Logger } from '../core/log'
import type { Tap } from '../core/explain/method'
import { methods as allMethods } from '../core/explain/registry'
import { tokenToPatch } from '../core/layout'
import { matricesGraphOf } from '../adapters/models/card'
import { fromOrt } from '../adapters/onnx/from-ort'
import type { OrtSession } from '../adapters/onnx/session'
import type { JobContext, JobOutput } from './explain-job'
import type { DrilldownReq, DrilldownRes, MatricesReq, MatricesRes } from './protocol'
import { transferablesOf } from './protocol'
import type { CachedRun } from './run-cache'

function rowsColsFromMatrices(m: Float32Array, layers: number, L: number, token: number): Pick<DrilldownRes, 'rows' | 'cols'> {
  const rows: (readonly [Float32Array, Float32Array])[] = []
  const cols: (readonly [Float32Array, Float32Array])[] = []
  for (let l = 0; l < layers; l++) {
    const r: Float32Array[] = []
    const c: Float32Array[] = []
    for (let d = 0; d < 2; d++) {
      const base = (l * 2 + d) * L * L
      r.push(m.slice(base + token * L, base + token * L + L))
      const col = new Float32Array(L)
      for (let i = 0; i < L; i++) col[i] = m[base + i * L + token]!
      c.push(col)
    }
    rows.push([r[0]!, r[1]!])
    cols.push([c[0]!, c[1]!])
  }
  return { rows, cols }
}

/** Per method with per-layer vectors: the token's value at each layer (NaN where the method skips it). */
function profileOf(run: CachedRun, token: number, log: Logger): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {}
  for (const m of allMethods) {
    if (m.layerVectors === undefined || !m.needs.every((t: Tap) => run.taps.tensors[t] !== undefined)) continue
    // Class-specific taps of a run made with an all-zero target explain nothing; leave them out.
    if (m.classSpecific && run.graphTarget !== run.targetClass) continue
    try {
      const lv = m.layerVectors(run.taps, run.options)
      const v = new Float32Array(run.taps.layers).fill(Number.NaN)
      lv.layers.forEach((layer, k) => { v[layer] = lv.vectors[k]![token]! })
      out[m.id] = v
    } catch (e) {
      // A layer range valid for one method can be invalid for another (gradient layers); skip that one.
      log.debug('profile skipped', { method: m.id, reason: e instanceof Error ? e.message : String(e) })
    }
  }
  return out
}

/** Rows, columns and profile of one token. */
export function drilldownJob(req: DrilldownReq, ctx: JobContext, log: Logger): JobOutput<DrilldownRes> {
  const t0 = performance.now()
  const run = ctx.runs.require(req.runId)
  const layout = run.taps.layout
  const patch = tokenToPatch(layout, req.token) ?? -1
  const useMatrices = run.matrices !== undefined
  const rc = run.matrices !== undefined
    ? rowsColsFromMatrices(run.matrices, run.taps.layers, layout.tokens, req.token)
    : drilldownVectors(attentionFactorsFromTaps(run.taps), req.token)
  const profile = profileOf(run, req.token, log)
  const value: DrilldownRes = { patch, ...rc, profile, source: useMatrices ? 'matrices' : 'factors', durationMs: performance.now() - t0 }
  const arrays = [...rc.rows.flat(), ...rc.cols.flat(), ...Object.values(profile)]
  return { value, transfer: transferablesOf(arrays) }
}

/** Rank the graph declares for a value (0 when it declares none). */
function declaredRank(meta: readonly { readonly name: string; readonly isTensor: boolean; readonly shape?: readonly unknown[] }[], name: string): number {
  const m = meta.find((x) => x.name === name)
  return m !== undefined && m.isTensor && m.shape !== undefined ? m.shape.length : 0
}

/**
 * Runs the weight-free matrices graph. The exporter's graph takes the layer and direction axes merged
 * (`[G = Λ·2, L, …]`, same memory as the taps' `[Λ, 2, L, …]`) and returns `[G, L, L]`; a graph with
 * the separate axes is accepted too.
 */
async function graphMatrices(session: OrtSession, run: CachedRun, order: 'scan' | 'original', output: string | undefined): Promise<Float32Array> {
  const feeds: Record<string, ort.Tensor> = {}
  for (const name of session.inputNames) {
    const t = run.taps.tensors[name as Tap]
    if (t === undefined) throw new AppError('model/manifest-mismatch', { detail: { matricesInput: name } })
    const merged = declaredRank(session.inputMetadata, name) === t.shape.length - 1
    const dims = merged ? [t.shape[0]! * t.shape[1]!, ...t.shape.slice(2)] : [...t.shape]
    feeds[name] = new ort.Tensor('float32', t.data, dims)
  }
  const outName = output ?? session.outputNames[0]
  if (outName === undefined) throw new AppError('model/manifest-mismatch', { detail: { reason: 'matrices graph has no output' } })
  let res: ort.InferenceSession.ReturnType
  try {
    res = await session.run(feeds, [outName])
  } catch (e) {
    throw new AppError('model/inference-failed', { cause: e })
  }
  const L = run.taps.layout.tokens
  const Λ = run.taps.layers
  const t = res[outName]
  if (t === undefined) throw new AppError('model/output-missing', { detail: { output: outName } })
  const m = fromOrt(outName, t, t.dims.length === 3 ? [Λ * 2, L, L] : [Λ, 2, L, L]).data
  if (order === 'original') return m
  // Scan order → original: direction 1 is flipped on both axes (spec §2.2, like attn_bwd_flipped).
  const out = m.slice()
  for (let l = 0; l < Λ; l++) {
    const base = (l * 2 + 1) * L * L
    for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) out[base + (L - 1 - i) * L + (L - 1 - j)] = m[base + i * L + j]!
  }
  return out
}

function typescriptMatrices(run: CachedRun, ctx: JobContext): Float32Array {
  const f = attentionFactorsFromTaps(run.taps)
  const L = f.tokens
  const out = new Float32Array(f.layers * 2 * L * L)
  for (let l = 0; l < f.layers; l++) {
    for (const d of [0, 1] as const) out.set(attentionMatrix(f, l, d), (l * 2 + d) * L * L)
    ctx.progress('matrices', (l + 1) / f.layers)
  }
  return out
}

/** All channel-mean matrices of a run; cached in the run for later drill-downs. */
export async function matricesJob(req: MatricesReq, ctx: JobContext): Promise<JobOutput<MatricesRes>> {
  const t0 = performance.now()
  const run = ctx.runs.require(req.runId)
  const layers = run.taps.layers
  const tokens = run.taps.layout.tokens
  let source: MatricesRes['source'] = 'cache'
  if (run.matrices === undefined) {
    const { model } = await ctx.pool.ensure(req.model)
    const session = await ctx.pool.matricesSession(model)
    const spec = matricesGraphOf(model.spec.card)
    run.matrices = session !== undefined && spec !== undefined
      ? await graphMatrices(session, run, spec.order, spec.output)
      : typescriptMatrices(run, ctx)
    source = session !== undefined ? 'graph' : 'typescript'
  }
  // The worker keeps its copy for drill-down lookups; the caller gets its own.
  const data = run.matrices.slice()
  return { value: { data, layers, tokens, source, durationMs: performance.now() - t0 }, transfer: [data.buffer] }
}
