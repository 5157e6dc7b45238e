/**
 * Batch jobs of the worker: the card's classifier graph over many model inputs (perturbation curves, the
 * quick deletion check, domain features), and pre-processing alone (the exact tensor those callers perturb).
 */
import * as ort from '../adapters/onnx/runtime'
import { AppError } from '../core/errors'
import type { JobContext, JobOutput } from './explain-job'
import { modelInput } from './explain-job'
import type { ClassifyReq, ClassifyRes, ModelInputReq, ModelInputRes } from './protocol'
import { transferablesOf } from './protocol'

/**
 * Images per graph run. On 2 cores the time per image is about flat from 1 to 16 images
 * (docs/BENCHMARKS.md, "Batch classifier"); chunks bound one run's memory (per step, the scan state is
 * [chunk, 2N, E]) and let progress and cancellation act between chunks.
 */
export const CLASSIFY_CHUNK = 8

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
    const image = new ort.Tensor('float32', req.inputs.subarray(start * per, (start + n) * per), [n, C, H, W])
    let out: ort.InferenceSession.ReturnType
    try {
      out = await session.run({ [model.spec.card.input.name]: image })
    } catch (e) {
      throw new AppError('model/inference-failed', { cause: e })
    }
    const l = out['logits']
    const f = out['features']
    if (l === undefined || f === undefined) throw new AppError('model/output-missing', { detail: { output: l === undefined ? 'logits' : 'features' } })
    featureDim = f.dims[1] ?? 0
    if (l.dims[1] !== classes) throw new AppError('model/output-shape', { detail: { output: 'logits', shape: [...l.dims] } })
    logits ??= new Float32Array(req.count * classes)
    features ??= new Float32Array(req.count * featureDim)
    logits.set(l.data as Float32Array, start * classes)
    features.set(f.data as Float32Array, start * featureDim)
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
