/**
 * Minimal `.npz` / `.npy` reader for tests (numpy format v1–v3, little-endian, C order).
 * Zip entries: stored (0) or deflate (8, via node:zlib inflateRawSync). Float16 is widened to float32.
 */
import { readFileSync } from 'node:fs'
import { inflateRawSync } from 'node:zlib'

/** One array from an `.npy` file. */
export interface NpyArray {
  /** numpy descr, e.g. `<f4`. */
  readonly dtype: string
  readonly shape: readonly number[]
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const f = h & 0x3ff
  if (e === 0) return s * f * 2 ** -24
  if (e === 31) return f === 0 ? s * Infinity : Number.NaN
  return s * (1 + f / 1024) * 2 ** (e - 15)
}

/** Parses one `.npy` buffer. */
export function parseNpy(buf: Uint8Array): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]
  if (!magic.every((b, i) => buf[i] === b)) throw new Error('not an .npy buffer')
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const major = buf[6]!
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const start = major === 1 ? 10 : 12
  const header = new TextDecoder('latin1').decode(buf.subarray(start, start + headerLen))
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`bad npy header: ${header}`)
  if (fortran === 'True') throw new Error('fortran_order arrays are not supported')
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number)
  const count = shape.reduce((a, b) => a * b, 1)
  const body = buf.subarray(start + headerLen)
  const copy = (bytes: number): ArrayBuffer => {
    if (body.byteLength < count * bytes) throw new Error('npy data truncated')
    return body.slice(0, count * bytes).buffer
  }
  switch (descr) {
    case '<f4':
      return { dtype: descr, shape, data: new Float32Array(copy(4)) }
    case '<f8':
      return { dtype: descr, shape, data: new Float64Array(copy(8)) }
    case '<i4':
      return { dtype: descr, shape, data: new Int32Array(copy(4)) }
    case '<i8':
      return { dtype: descr, shape, data: new BigInt64Array(copy(8)) }
    case '|u1':
    case '|b1':
      return { dtype: descr, shape, data: new Uint8Array(copy(1)) }
    case '<f2': {
      const half = new Uint16Array(copy(2))
      const out = new Float32Array(count)
      for (let i = 0; i < count; i++) out[i] = halfToFloat(half[i]!)
      return { dtype: descr, shape, data: out }
    }
    default:
      throw new Error(`unsupported npy dtype ${descr}`)
  }
}

/** Reads every entry of a zip buffer (no zip64, no encryption). */
export function unzip(buf: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('zip: end of central directory not found')
  const entries = view.getUint16(eocd + 10, true)
  let p = view.getUint32(eocd + 16, true)
  if (entries === 0xffff || p === 0xffffffff) throw new Error('zip64 archives are not supported')
  const out = new Map<string, Uint8Array>()
  for (let k = 0; k < entries; k++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error('zip: bad central directory entry')
    const method = view.getUint16(p + 10, true)
    const compSize = view.getUint32(p + 20, true)
    const size = view.getUint32(p + 24, true)
    const nameLen = view.getUint16(p + 28, true)
    const extraLen = view.getUint16(p + 30, true)
    const commentLen = view.getUint16(p + 32, true)
    const local = view.getUint32(p + 42, true)
    const name = new TextDecoder().decode(buf.subarray(p + 46, p + 46 + nameLen))
    if (compSize === 0xffffffff || size === 0xffffffff) throw new Error('zip64 entries are not supported')
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
    const raw = buf.subarray(dataStart, dataStart + compSize)
    let data: Uint8Array
    if (method === 0) data = raw
    else if (method === 8) data = new Uint8Array(inflateRawSync(raw))
    else throw new Error(`zip: unsupported compression method ${method}`)
    if (data.length !== size) throw new Error(`zip: size mismatch for ${name}`)
    out.set(name, data)
    p += 46 + nameLen + extraLen + commentLen
  }
  return out
}

/** Loads an `.npz` file into `name → array` (the `.npy` suffix removed). */
export function loadNpz(path: string): Map<string, NpyArray> {
  const files = unzip(new Uint8Array(readFileSync(path)))
  const out = new Map<string, NpyArray>()
  for (const [name, bytes] of files) out.set(name.replace(/\.npy$/, ''), parseNpy(bytes))
  return out
}

/** Float32 view of an entry (throws for missing keys or non-float dtypes). */
export function npzF32(npz: ReadonlyMap<string, NpyArray>, key: string): { data: Float32Array; shape: readonly number[] } {
  const a = npz.get(key)
  if (a === undefined) throw new Error(`npz key missing: ${key}`)
  if (a.data instanceof Float32Array) return { data: a.data, shape: a.shape }
  if (a.data instanceof Float64Array) return { data: Float32Array.from(a.data), shape: a.shape }
  throw new Error(`npz key ${key} is not float (${a.dtype})`)
}
