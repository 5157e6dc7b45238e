/**
 * Runs the batch-dynamic classifier graph (card `classifierGraph`, INTERFACES.md): input `image` [N,3,H,W],
 * outputs `logits` [N,C] and `features` [N,D] (the final-normed CLS token the head reads). Used by the
 * worker (domain score, quick deletion check) and by the script that fits the domain statistics, so both
 * read the features the same way.
 */
import * as ort from 'onnxruntime-node'
import { AppError } from '../../core/errors'
import type { OrtSession } from '../onnx/session'

/** Logits and pooled features of a batch, row-major. */
export interface ClassifierBatch {
  readonly n: number
  readonly classes: number
  readonly dim: number
  readonly logits: Float32Array
  readonly features: Float32Array
}

/** Runs `n` inputs (`batch` = n·3·H·W values); `inputName` is the card's input name. */
export async function classifyBatch(session: Pick<OrtSession, 'run'>, inputName: string, batch: Float32Array, n: number, height: number, width: number): Promise<ClassifierBatch> {
  if (batch.length !== n * 3 * height * width) throw new AppError('internal', { detail: { reason: 'classifier batch size mismatch', length: batch.length } })
  let r: ort.InferenceSession.ReturnType
  try {
    r = await session.run({ [inputName]: new ort.Tensor('float32', batch, [n, 3, height, width]) }, ['logits', 'features'])
  } catch (e) {
    throw new AppError('model/inference-failed', { cause: e })
  }
  const logits = r['logits']
  const features = r['features']
  if (logits === undefined || features === undefined) throw new AppError('model/output-missing', { detail: { output: logits === undefined ? 'logits' : 'features' } })
  const classes = logits.dims[logits.dims.length - 1] ?? 0
  const dim = features.dims[features.dims.length - 1] ?? 0
  if (logits.data.length !== n * classes || features.data.length !== n * dim) {
    throw new AppError('model/output-shape', { detail: { output: 'logits/features', dims: [...logits.dims, ...features.dims] } })
  }
  return { n, classes, dim, logits: Float32Array.from(logits.data as Float32Array), features: Float32Array.from(features.data as Float32Array) }
}

/** Row `i` of a row-major matrix. */
export function rowOf(m: Float32Array, width: number, i: number): Float32Array {
  return m.subarray(i * width, (i + 1) * width)
}
