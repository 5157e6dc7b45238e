/**
 * Batch jobs of the worker: the card's classifier graph over many model inputs (perturbation curves, the
 * quick deletion check, domain features), and pre-processing alone (the exact tensor those callers perturb).
 */
import * as ort from '../adapters/onnx/runtime'
import { AppError } from '../core/errors'
import type { OrtSession } from '../adapters/onnx/session'
import type { LaneOutput } from './classifier-lane'
import type { JobContext, JobOutput } from './explain-job'
import { modelInput } from './explain-job'
import type { LoadedModel } from './model-pool'
import type { ClassifyReq, ClassifyRes, ModelInputReq, ModelInputRes } from './protocol'
import { transferablesOf } from './protocol'

/**
 * Images per chunk. On 2 cores the time per image of one session is about flat from 1 to 16 images
 * (docs/BENCHMARKS.md, "Batch classifier"); each chunk is split over the classifier's two lanes
 * (classifier-lane.ts). Chunks bound one run's memory (per step, the scan state is [chunk, 2N, E]) and let
 * progress and cancellation act between chunks.
 */
export const CLASSIFY_CHUNK = 8

/** One graph run on the worker's own session: logits and features of `n` inputs. */
async function runLocal(session: OrtSession, inputName: string, inputs: Float32Array, n: number, shape: readonly [number, number, number]): Promise<LaneOutput> {
  let out: ort.InferenceSession.ReturnType
  try {
    out = await session.run({ [inputName]: new ort.Tensor('float32', inputs, [n, ...shape]) })
  } catch (e) {
    throw new AppError('model/inference-failed', { cause: e })
  }
  const l = out['logits']
  const f = out['features']
  if (l === undefined || f === undefined) throw new AppError('model/output-missing', { detail: { output: l === undefined ? 'logits' : 'features' } })
  return { logits: l.data as Float32Array, features: f.data as Float32Array, featureDim: f.dims[1] ?? 0 }
}

/**
 * One chunk: split in two halves across the worker's session and the classifier lane when the lane is ready
 * (classifier-lane.ts), else whole on the worker's session. A lane that fails mid-run costs a rerun here.
 */
async function runChunk(model: LoadedModel, session: OrtSession, inputs: Float32Array, n: number, shape: readonly [number, number, number]): Promise<LaneOutput> {
  const name = model.spec.card.input.name
  const lane = model.classifierLane
  if (lane?.ready !== true || n < 2) return runLocal(session, name, inputs, n, shape)
  const per = shape[0] * shape[1] * shape[2]
  const mine = Math.ceil(n / 2)
  const theirs = lane.run(inputs.subarray(mine * per, n * per), n - mine, shape).catch(() => runLocal(session, name, inputs.subarray(mine * per, n * per), n - mine, shape))
  const a = await runLocal(session, name, inputs.subarray(0, mine * per), mine, shape)
  const b = await theirs
  const join = (x: Float32Array, y: Float32Array): Float32Array => {
    const out = new Float32Array(x.length + y.length)
    out.set(x)
    out.set(y, x.length)
    return out
  }
  return { logits: join(a.logits, b.logits), features: join(a.features, b.features), featureDim: a.featureDim }
}

export async function classifyJob(req: ClassifyReq, ctx: JobContext): Promise<JobOutput<ClassifyRes>> {
  const t0 = performance.now()
  const { model } = await ctx.pool.ensure(req.model)
  const session = await ctx.pool.classifierSession(model)
  if (session === undefined) throw new AppError('model/no-classifier', { detail: { id: model.spec.id } })
  const [, C, H, W] = model.spec.card.input.shape
  const per = C * H * W
  if (!(Number.isInteger(req.count) && req.count >= 1) || req.inputs.length !== req.count * per) {
    throw new AppError('image/decode-failed', { detail: { reason: 'batch size does not match the model input', length: req.inputs.length, expected: [req.count, C, H, W] } })
  }
  const classes = model.spec.card.classes.length
  let logits: Float32Array | undefined
  let features: Float32Array | undefined
  let featureDim = 0
  for (let start = 0; start < req.count; start += CLASSIFY_CHUNK) {
    const n = Math.min(CLASSIFY_CHUNK, req.count - start)
    const out = await runChunk(model, session, req.inputs.subarray(start * per, (start + n) * per), n, [C, H, W])
    featureDim = out.featureDim
    if (out.logits.length !== n * classes) throw new AppError('model/output-shape', { detail: { output: 'logits', shape: [n, out.logits.length / n] } })
    logits ??= new Float32Array(req.count * classes)
    features ??= new Float32Array(req.count * featureDim)
    logits.set(out.logits, start * classes)
    features.set(out.features, start * featureDim)
    ctx.progress('classify', Math.min(1, (start + n) / req.count))
  }
  const value: ClassifyRes = { logits: logits!, features: features!, classes, featureDim, durationMs: performance.now() - t0 }
  return { value, transfer: transferablesOf([value.logits, value.features]) }
}

export async function modelInputJob(req: ModelInputReq, ctx: JobContext): Promise<JobOutput<ModelInputRes>> {
  const { model } = await ctx.pool.ensure(req.model)
  const r = await modelInput(model, req.input)
  const value: ModelInputRes = { tensor: r.tensor.slice(), transform: r.transform, preview: r.preview }
  return { value, transfer: transferablesOf([value.tensor, value.preview]) }
}
