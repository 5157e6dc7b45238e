/**
 * The worker's explain pipeline: pre-process → graph run(s) → every requested method → cache the
 * factors. Target rule (docs/BENCHMARKS.md): the target only changes the class-specific outputs, and ORT
 * executes the whole graph whatever is fetched, so
 * - a given `targetClass`, or only class-agnostic methods: ONE run;
 * - class-specific methods without `targetClass`: a logits run to find the model's decision, then the real
 *   run (TWO), unless the card says the graph explains its own argmax for an all-zero target
 *   (`zeroMeansArgmax`): then ONE run, and a second only when the operating point decides for another class.
 * The decision is the verdict's class at the card's operating point (top-1 without one): the map explains
 * the verdict shown next to it, also where the threshold and the larger probability disagree (bus_0231-l).
 * Only class-agnostic methods and no `targetClass`: the card's forward-only graph when it has one (no
 * backward passes: ~1.7× faster on Vim-T); its run still caches the factors for drill-down.
 */
import type { MethodResult } from '../core/engine/api'
import { AppError } from '../core/errors'
import { verdictOf } from '../core/trust/verdict'
import type { ExplanationMethod, MethodOptions, Tap, TapSet } from '../core/explain/method'
import { getMethod, methods as allMethods } from '../core/explain/registry'
import { runMethod } from '../core/explain/run'
import { denormalizeChwToRgb8 } from '../core/preprocess/normalize'
import type { F32Tensor } from '../core/tensor/f32'
import { ownedF32 } from '../adapters/onnx/from-ort'
import { prepareModelInput } from '../adapters/preprocess/model-input'
import type { LoadedModel, ModelPool } from './model-pool'
import { runExplainer } from './model-pool'
import type { ExplainReq, ExplainRes, RestoreReq, RestoreRes, WorkerInput, WorkerMethodOptions } from './protocol'
import { transferablesOf } from './protocol'
import { matricesKey } from './matrix-pieces'
import type { CachedRun, RunCache } from './run-cache'
import { argmaxOf, topKSoftmax } from './topk'
import { runTrust } from './trust-jobs'

/** What a job may use. */
export interface JobContext {
  readonly pool: ModelPool
  readonly runs: RunCache
  /** Reports progress; also the job's cancellation checkpoint: throws `run/cancelled` once the host cancelled it. */
  progress(stage: string, fraction: number): void
}

/** A job's value plus the buffers to move (not copy) to the main thread. */
export interface JobOutput<T> {
  readonly value: T
  readonly transfer: ArrayBuffer[]
}

const FACTORS: readonly Tap[] = ['delta', 'B', 'C', 'A']

/** Outputs to copy out of ORT: logits, the methods' taps, the profile taps and the factors. */
export function fetchList(model: LoadedModel, requested: readonly ExplanationMethod[], forward = false): string[] {
  const card = model.spec.card
  const outputs = forward && card.forwardGraph !== undefined ? Object.fromEntries(card.forwardGraph.outputs.map((n) => [n, true])) : card.outputs
  const want = new Set<string>(['logits'])
  for (const m of requested) for (const t of m.needs) want.add(t)
  for (const m of allMethods) {
    if (m.layerVectors !== undefined && m.needs.every((t) => t in outputs)) for (const t of m.needs) want.add(t)
  }
  for (const t of FACTORS) want.add(t)
  // The GPU graph also gives the head's input features (docs/GRAPH_CONTRACT.md): the domain guard reads them from
  // this run instead of running the batch classifier (Scan loops, slow on a GPU) once more.
  const features = !forward && model.session.outputNames.includes('features') ? ['features'] : []
  return [...[...want].filter((n) => n in outputs), ...features]
}

function tapSet(model: LoadedModel, outs: Record<string, F32Tensor>): TapSet {
  const card = model.spec.card
  const tensors: Partial<Record<Tap, F32Tensor>> = {}
  for (const [name, t] of Object.entries(outs)) if (name !== 'logits') tensors[name as Tap] = t
  return { layout: model.layout, layers: card.layers, gradFirstLayer: card.gradFirstLayer, tensors }
}

/** Caches a run with the matrices pieces of its input (shared with earlier runs of the same input). */
function cacheRun(ctx: JobContext, runId: string, model: LoadedModel, input: Float32Array, run: Omit<CachedRun, 'pieces' | 'modelId'>): CachedRun {
  // The graph's hash is part of the key: a card re-added under the same id may point at another graph.
  const key = matricesKey(`${model.spec.id}:${model.spec.card.sha256}`, input)
  const pieces = ctx.runs.piecesFor(key, run.taps.layers, run.taps.layout.tokens)
  const cached: CachedRun = { ...run, modelId: model.spec.id, pieces }
  ctx.runs.set(runId, cached)
  return cached
}

function methodOptions(o: WorkerMethodOptions): MethodOptions {
  return {
    ...(o.startLayer !== undefined ? { startLayer: o.startLayer } : {}),
    ...(o.endLayer !== undefined ? { endLayer: o.endLayer } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  }
}

export async function modelInput(model: LoadedModel, input: WorkerInput): Promise<Pick<ExplainRes, 'tensor' | 'preview' | 'transform'>> {
  const card = model.spec.card
  const [, , height, width] = card.input.shape
  if (input.kind === 'image') {
    const r = await prepareModelInput({ width: input.width, height: input.height, data: input.rgb }, { width, height, resize: card.input.resize, mean: card.input.mean, std: card.input.std })
    return { tensor: r.tensor, preview: r.preview.slice(), transform: r.transform }
  }
  if (input.data.length !== 3 * width * height) {
    throw new AppError('image/decode-failed', { detail: { reason: 'tensor size does not match the model input', length: input.data.length, expected: [1, 3, height, width] } })
  }
  return {
    tensor: input.data,
    preview: denormalizeChwToRgb8(input.data, width, height, card.input),
    transform: {
      originalWidth: width, originalHeight: height, crop: { x: 0, y: 0, width, height },
      modelWidth: width, modelHeight: height, resize: 'none (normalised tensor input)', mean: [...card.input.mean], std: [...card.input.std],
    },
  }
}

function oneHot(classes: number, target: number | null): Float32Array {
  const v = new Float32Array(classes)
  if (target !== null) v[target] = 1
  return v
}

/** Runs the explain pipeline for one image. */
export async function explainJob(req: ExplainReq, ctx: JobContext): Promise<JobOutput<ExplainRes>> {
  const t0 = performance.now()
  const timings: Record<string, number> = {}
  const requested = req.methods.map((id) => getMethod(id))
  const { model, load } = await ctx.pool.ensure(req.model)
  if (!load.wasLoaded) timings['load'] = load.createMs + load.verifyMs
  ctx.progress('preprocess', 0.05)
  let t = performance.now()
  const input = await modelInput(model, req.input)
  timings['preprocess'] = performance.now() - t
  const card = model.spec.card
  // The domain guard's features come from the explain run where the graph gives them (the GPU graph), else from the
  // classifier graph: where its second lane is up, it computes them while this thread runs the explainer graph
  // (trust-jobs.ts; null: the guard runs the classifier itself).
  const [, C, H, W] = card.input.shape
  const lane = model.classifierLane
  const earlyFeatures = lane?.ready === true && card.domain?.features !== undefined && !model.session.outputNames.includes('features')
    ? lane.run(input.tensor, 1, [C, H, W]).catch(() => null)
    : null
  const classes = card.classes.length
  if (req.targetClass !== undefined && !(Number.isInteger(req.targetClass) && req.targetClass >= 0 && req.targetClass < classes)) {
    throw new AppError('explain/target-class', { detail: { targetClass: req.targetClass, classes } })
  }
  let graphTarget: number | null = req.targetClass ?? null
  let graphRuns = 0
  const classSpecific = requested.some((m) => m.classSpecific)
  ctx.progress('graph', 0.15)
  const decision = (logits: ArrayLike<number>): number => verdictOf(logits, card.classes, card.operatingPoint).classIndex
  if (graphTarget === null && classSpecific && card.target?.zeroMeansArgmax !== true) {
    t = performance.now()
    const first = await runExplainer(model, input.tensor, oneHot(classes, null), ['logits'])
    graphTarget = decision(first['logits']!.data)
    timings['graph.top1'] = performance.now() - t
    graphRuns++
    // Also a cancellation checkpoint between the two graph runs (entry.ts).
    ctx.progress('graph', 0.3)
  }
  const forward = graphTarget === null && !classSpecific ? await ctx.pool.forwardSession(model) : undefined
  t = performance.now()
  let outs = forward !== undefined
    ? await runExplainer(model, input.tensor, null, fetchList(model, requested, true), forward)
    : await runExplainer(model, input.tensor, oneHot(classes, graphTarget), fetchList(model, requested))
  timings['graph'] = performance.now() - t
  graphRuns++
  const targetClass = graphTarget ?? decision(outs['logits']!.data)
  if (graphTarget === null && classSpecific) {
    // A zeroMeansArgmax graph explained its own argmax in that one run; only where the operating point
    // decides otherwise (near the threshold) is a second run, for the decided class, needed.
    if (targetClass !== argmaxOf(outs['logits']!.data)) {
      t = performance.now()
      outs = await runExplainer(model, input.tensor, oneHot(classes, targetClass), fetchList(model, requested))
      timings['graph.decision'] = performance.now() - t
      graphRuns++
    }
    // Recorded so that a restore reproduces the taps.
    graphTarget = targetClass
  }
  const logits = outs['logits']!.data
  const taps = tapSet(model, outs)
  const opts = methodOptions(req.options)
  const [, , height, width] = card.input.shape
  const results: MethodResult[] = []
  const tm = performance.now()
  for (const [i, m] of requested.entries()) {
    ctx.progress(`method:${m.id}`, 0.5 + (0.5 * i) / requested.length)
    t = performance.now()
    const o = runMethod(m, taps, opts, { width, height })
    const durationMs = performance.now() - t
    timings[`method.${m.id}`] = durationMs
    results.push({ methodId: m.id, patchRelevance: o.patchRelevance, heatmap: o.heatmap, heatmapWidth: o.heatmapWidth, heatmapHeight: o.heatmapHeight, degenerate: o.degenerate, durationMs })
  }
  timings['methods'] = performance.now() - tm
  t = performance.now()
  const rgb = req.input.kind === 'image' ? req.input.rgb : input.preview
  const graphFeatures = outs['features']?.data
  const features = graphFeatures !== undefined ? Promise.resolve({ logits, features: graphFeatures, featureDim: graphFeatures.length }) : earlyFeatures
  const trusted = await runTrust(ctx, model, { tensor: input.tensor, rgb, preview: input.preview, ...(req.modality !== undefined ? { modality: req.modality } : {}) }, logits, results, features)
  timings['trust'] = performance.now() - t
  const cached = cacheRun(ctx, req.runId, model, input.tensor, { taps, targetClass, graphTarget, options: opts })
  const topK = topKSoftmax(logits, card.classes, req.topK)
  timings['total'] = performance.now() - t0
  ctx.progress('done', 1)
  const tensor = ownedF32(input.tensor)
  const value: ExplainRes = {
    provider: model.provider, targetClass, topK, methods: results, transform: input.transform, preview: input.preview, tensor, timings, graphRuns, graph: forward !== undefined ? 'forward' : 'full', graphTarget,
    matrices: cached.pieces.state(), ...trusted,
  }
  return { value, transfer: transferablesOf([input.preview, tensor, ...results.flatMap((r) => [r.patchRelevance, r.heatmap])]) }
}

/** Rebuilds a lost cache entry from the stored input (deterministic: same graph, same feeds). */
export async function restoreJob(req: RestoreReq, ctx: JobContext): Promise<JobOutput<RestoreRes>> {
  const t0 = performance.now()
  const { model } = await ctx.pool.ensure(req.model)
  const outs = await runExplainer(model, req.tensor, oneHot(model.spec.card.classes.length, req.graphTarget), fetchList(model, []))
  const cached = cacheRun(ctx, req.runId, model, req.tensor, { taps: tapSet(model, outs), targetClass: req.targetClass, graphTarget: req.graphTarget, options: methodOptions(req.options) })
  return { value: { durationMs: performance.now() - t0, matrices: cached.pieces.state() }, transfer: [] }
}
