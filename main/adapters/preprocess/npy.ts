/**
 * NumPy `.npy` reader for `--input-tensor` (conformance inputs: already-normalised float32 arrays).
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html (v1–v3 headers).
 * Only little-endian float32, C order. Anything else is `image/decode-failed` with the reason.
 */
import { AppError } from '../../core/errors'

/** A float32 array with its shape. */
export interface NpyArray {
  readonly data: Float32Array
  readonly shape: readonly number[]
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY

function fail(reason: string): never {
  throw new AppError('image/decode-failed', { detail: { reason: `npy: ${reason}` } })
}

/** Parses `.npy` bytes. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not an .npy file')
  const major = bytes[6]!
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true)
  const headerStart = major === 1 ? 10 : 12
  const dataStart = headerStart + headerLen
  if (dataStart > bytes.length) fail('truncated header')
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart))
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail('unreadable header')
  if (descr !== '<f4') fail(`dtype ${descr} (need <f4 float32)`)
  if (fortran === 'True') fail('Fortran order')
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number)
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail('bad shape')
  const count = shape.reduce((a, b) => a * b, 1)
  if (bytes.length - dataStart < count * 4) fail('truncated data')
  // Copy: the file buffer's offset need not be 4-byte aligned.
  const data = new Float32Array(count)
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + count * 4))
  return { data, shape }
}

/** Serialises a float32 array to `.npy` v1 bytes (tests and exports). */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`
  const pad = 64 - ((10 + header.length + 1) % 64)
  header = header + ' '.repeat(pad % 64) + '\n'
  const out = new Uint8Array(10 + header.length + data.byteLength)
  out.set(MAGIC, 0)
  out[6] = 1
  out[7] = 0
  new DataView(out.buffer).setUint16(8, header.length, true)
  out.set(new TextEncoder().encode(header), 10)
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length)
  return out
}
