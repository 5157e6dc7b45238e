/**
 * The one place where ORT tensors become core tensors (STYLE.md §2.4): checks dtype float32 and the dims
 * the model card promised, exactly once, so the maths never branches on ORT's `Tensor.data` union.
 */
import { AppError } from '../../core/errors'
import type { F32Tensor } from '../../core/tensor/f32'

/** The part of `ort.Tensor` we read (structural, so tests and the worker need not import ORT). */
export interface OrtTensorLike {
  readonly type: string
  readonly dims: readonly number[]
  readonly data: unknown
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/**
 * Converts one ORT output. `expected` is the card's shape for `name`; a mismatch is
 * `model/output-shape`, a non-float32 tensor `model/manifest-mismatch` (the graph is not the one the card
 * describes). The returned data keeps ORT's buffer (no copy).
 */
export function fromOrt(name: string, tensor: OrtTensorLike, expected?: readonly number[]): F32Tensor {
  if (tensor.type !== 'float32' || !(tensor.data instanceof Float32Array)) {
    throw new AppError('model/manifest-mismatch', { detail: { output: name, type: tensor.type, expected: 'float32' } })
  }
  const dims = Array.from(tensor.dims)
  if (expected !== undefined && !sameDims(dims, expected)) {
    throw new AppError('model/output-shape', { detail: { output: name, dims, expected } })
  }
  return { data: tensor.data, shape: dims }
}

/**
 * A Float32Array that owns its whole ArrayBuffer, so it can be transferred between threads without
 * dragging (or detaching) a larger shared buffer. Copies only when needed.
 */
export function ownedF32(data: Float32Array): Float32Array {
  const buf = data.buffer
  if (buf instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buf.byteLength) return data
  return data.slice()
}
