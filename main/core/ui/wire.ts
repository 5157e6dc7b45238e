/**
 * Binary wire format of the browser-mode bridge. Electron IPC clones typed arrays natively; HTTP does not,
 * and base64 JSON would inflate a run's heatmaps (~1 MB of float32) by a third and cost a parse on the UI
 * thread. Layout: `u32 headerBytes | JSON header | pad to 8 | blobs (8-aligned)`. In the header every typed
 * array is replaced by `{ "$ta": kind, "o": byteOffset, "n": length }`. Pure: used by main and the renderer.
 */

type TypedArrayKind = 'f32' | 'f64' | 'u8' | 'u16' | 'i32'
type AnyTypedArray = Float32Array | Float64Array | Uint8Array | Uint16Array | Int32Array

interface BlobRef {
  readonly $ta: TypedArrayKind
  readonly o: number
  readonly n: number
}

const CTORS = {
  f32: Float32Array,
  f64: Float64Array,
  u8: Uint8Array,
  u16: Uint16Array,
  i32: Int32Array,
} as const

/** Upper bound on a header (the bridge also caps the whole body); guards JSON.parse on hostile input. */
export const MAX_WIRE_HEADER_BYTES = 4 * 1024 * 1024

function kindOf(v: unknown): TypedArrayKind | null {
  if (v instanceof Float32Array) return 'f32'
  if (v instanceof Float64Array) return 'f64'
  if (v instanceof Uint8Array) return 'u8'
  if (v instanceof Uint16Array) return 'u16'
  if (v instanceof Int32Array) return 'i32'
  return null
}

const align8 = (n: number): number => (n + 7) & ~7

/** Encodes a JSON-like value whose leaves may be typed arrays. */
export function encodeWire(value: unknown): Uint8Array {
  const blobs: AnyTypedArray[] = []
  let offset = 0
  const header = JSON.stringify(value, (_key, v: unknown) => {
    const kind = kindOf(v)
    if (kind === null) return v
    const ta = v as AnyTypedArray
    const ref: BlobRef = { $ta: kind, o: offset, n: ta.length }
    blobs.push(ta)
    offset = align8(offset + ta.byteLength)
    return ref
  }) ?? 'null'
  const headerBytes = new TextEncoder().encode(header)
  const start = align8(4 + headerBytes.length)
  const out = new Uint8Array(start + offset)
  new DataView(out.buffer).setUint32(0, headerBytes.length, true)
  out.set(headerBytes, 4)
  let o = start
  for (const b of blobs) {
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), o)
    o = align8(o + b.byteLength)
  }
  return out
}

function isBlobRef(v: unknown): v is BlobRef {
  if (typeof v !== 'object' || v === null) return false
  const r = v as Record<string, unknown>
  return typeof r.$ta === 'string' && r.$ta in CTORS && Number.isInteger(r.o) && Number.isInteger(r.n)
}

/** Decodes {@link encodeWire} output. Throws `Error('wire: …')` on malformed input (never reads out of bounds). */
export function decodeWire(bytes: Uint8Array): unknown {
  if (bytes.length < 4) throw new Error('wire: too short')
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  if (headerLen > MAX_WIRE_HEADER_BYTES || 4 + headerLen > bytes.length) throw new Error('wire: bad header length')
  const start = align8(4 + headerLen)
  const header = new TextDecoder().decode(bytes.subarray(4, 4 + headerLen))
  return JSON.parse(header, (_key, v: unknown) => {
    if (!isBlobRef(v)) return v
    const ctor = CTORS[v.$ta]
    const byteLength = v.n * ctor.BYTES_PER_ELEMENT
    const begin = start + v.o
    if (v.o < 0 || v.n < 0 || begin + byteLength > bytes.length) throw new Error('wire: blob out of range')
    // Copy: the source view is not necessarily aligned for the element size, and callers may keep the result.
    const copy = bytes.slice(begin, begin + byteLength)
    return new ctor(copy.buffer, 0, v.n)
  })
}
