/**
 * Minimal float32 tensor type and views (STYLE.md §2.4). Data are row-major; batch dimension absent.
 * ORT tensors are converted into this shape once, in `adapters/onnx`.
 */
import { AppError } from '../errors'

/** A dense row-major float32 tensor. `data.length === product(shape)`. */
export interface F32Tensor<S extends readonly number[] = readonly number[]> {
  readonly data: Float32Array
  readonly shape: S
}

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** Builds a tensor, checking that `data` holds exactly `product(shape)` values. */
export function f32<S extends readonly number[]>(data: Float32Array, shape: S): F32Tensor<S> {
  if (data.length !== sizeOf(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new AppError('internal', { detail: { reason: 'tensor size mismatch', length: data.length, shape } })
  }
  return { data, shape }
}

/**
 * A view (no copy) of the slice `t[i0, i1, …]` over the leading axes; the rest of the shape remains.
 * E.g. `rowView(hmaMean, 15)` is layer 15 of a `[Λ, L]` tensor.
 */
export function rowView(t: F32Tensor, ...index: readonly number[]): Float32Array {
  if (index.length > t.shape.length) {
    throw new AppError('internal', { detail: { reason: 'too many indices', index, shape: t.shape } })
  }
  let offset = 0
  for (let a = 0; a < index.length; a++) {
    const i = index[a]!
    const dim = t.shape[a]!
    if (!Number.isInteger(i) || i < 0 || i >= dim) {
      throw new AppError('internal', { detail: { reason: 'index out of range', index, shape: t.shape } })
    }
    offset = offset * dim + i
  }
  const inner = sizeOf(t.shape.slice(index.length))
  return t.data.subarray(offset * inner, offset * inner + inner)
}

/** Float64 copy of a numeric array (for accumulation in float64, spec §6). */
export function toF64(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>)
}

/** Float32 copy of a numeric array (for DTOs). */
export function toF32(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values as ArrayLike<number>)
}
