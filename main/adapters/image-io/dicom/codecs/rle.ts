/**
 * DICOM RLE Lossless (PS3.5 Annex G). Hand-written because none of the packaged libraries decodes it:
 * dcmjs's RLE only handles single-segment frames (its SEG use case) and the cornerstone codecs have no RLE.
 * The format is tiny — a 64-byte header of segment offsets, then one PackBits stream per byte plane.
 */
import { ImageIoError } from '../../errors'

/** Decoded samples in pixel-interleaved order: Uint8Array for 8-bit, Uint16Array/Float64Array for 16/32-bit. */
export type RleSamples = Uint8Array | Uint16Array | Float64Array

function fail(reason: string): never {
  throw new ImageIoError('image/dicom-decode-failed', { detail: { transferSyntax: 'RLE Lossless', reason } })
}

/** PackBits into `out` (PS3.5 G.3.1). Stops at the end of the segment or when `out` is full. */
function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array): void {
  let i = start
  let o = 0
  while (i < end && o < out.length) {
    const n = ((src[i++] as number) << 24) >> 24 // as int8
    if (n >= 0) {
      const count = Math.min(n + 1, out.length - o, end - i)
      out.set(src.subarray(i, i + count), o)
      o += count
      i += n + 1
    } else if (n !== -128) {
      if (i >= end) break
      const count = Math.min(1 - n, out.length - o)
      out.fill(src[i++] as number, o, o + count)
      o += count
    }
  }
  // A short segment leaves zeros; PS3.5 G.5 notes some encoders pad differently, so it is not an error.
}

/**
 * Decodes one RLE frame of `pixels` pixels with `samples` samples of `bytesPerSample` bytes.
 * Segment k holds byte plane (sample s, byte b) with the most significant byte first (PS3.5 G.2).
 */
export function decodeRle(frame: Uint8Array, pixels: number, samples: number, bytesPerSample: number): RleSamples {
  if (frame.length < 64) fail('frame shorter than the RLE header')
  const view = new DataView(frame.buffer, frame.byteOffset, 64)
  const segments = view.getUint32(0, true)
  const expected = samples * bytesPerSample
  if (segments !== expected) fail(`${segments} segments, expected ${expected}`)
  const offsets: number[] = []
  for (let s = 0; s < segments; s++) offsets.push(view.getUint32(4 + s * 4, true))
  const planes: Uint8Array[] = []
  for (let s = 0; s < segments; s++) {
    const start = offsets[s] as number
    const end = s + 1 < segments ? (offsets[s + 1] as number) : frame.length
    if (start < 64 || start > frame.length || end < start) fail('segment offset outside the frame')
    const plane = new Uint8Array(pixels)
    unpackSegment(frame, start, Math.min(end, frame.length), plane)
    planes.push(plane)
  }
  const total = pixels * samples
  const out: RleSamples = bytesPerSample === 1 ? new Uint8Array(total) : bytesPerSample === 2 ? new Uint16Array(total) : new Float64Array(total)
  for (let s = 0; s < samples; s++) {
    for (let p = 0; p < pixels; p++) {
      let v = 0
      for (let b = 0; b < bytesPerSample; b++) v = v * 256 + ((planes[s * bytesPerSample + b] as Uint8Array)[p] as number)
      out[p * samples + s] = v
    }
  }
  return out
}
