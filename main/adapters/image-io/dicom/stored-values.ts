/**
 * Stored pixel values from raw sample words: Bits Allocated 1/8/16/32, either byte order, Bits Stored and
 * High Bit masking (bits above High Bit may hold retired overlays) and two's-complement sign extension
 * for Pixel Representation 1 (PS3.5 8.1.1, PS3.3 C.7.6.3.1.1).
 */
import { ImageIoError } from '../errors'
import type { ImageAttributes } from './dicom-attributes'
import type { NativeFrame } from './frame-bytes'

/** Integer sample values; Float64Array only for 32-bit data, whose unsigned range exceeds Int32. */
export type StoredValues = Int32Array | Float64Array

/** Raw sample words of a native frame, in the file's byte order, as unsigned numbers. */
export function nativeWords(frame: NativeFrame, a: ImageAttributes, count: number, bigEndian: boolean): Uint32Array | Float64Array | Uint8Array {
  const { bytes, bitOffset } = frame
  switch (a.bitsAllocated) {
    case 1: {
      // Bits are packed little-bit-first and frames need not start on a byte boundary (PS3.5 8.1.1).
      const out = new Uint8Array(count)
      for (let i = 0; i < count; i++) {
        const bit = bitOffset + i
        out[i] = ((bytes[bit >> 3] as number) >> (bit & 7)) & 1
      }
      return out
    }
    case 8:
      return bytes.subarray(0, count)
    case 16: {
      const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2)
      const out = new Uint32Array(count)
      for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, !bigEndian)
      return out
    }
    case 32: {
      const view = new DataView(bytes.buffer, bytes.byteOffset, count * 4)
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, !bigEndian)
      return out
    }
    default:
      throw new ImageIoError('image/dicom-unsupported-pixel-format', { detail: { reason: `Bits Allocated ${a.bitsAllocated}` } })
  }
}

/**
 * Unsigned words → stored values: keep bits [highBit-bitsStored+1 … highBit], then sign-extend when signed.
 * `bits`/`highBit` default to the attributes; codecs pass their own precision (JPEG-LS and JPEG 2000 report
 * the precision of the codestream, which is what the samples really use).
 */
export function toStoredValues(
  words: ArrayLike<number>,
  signed: boolean,
  bits: number,
  highBit = bits - 1,
): StoredValues {
  const wide = bits > 16 || highBit > 16
  const out: StoredValues = wide ? new Float64Array(words.length) : new Int32Array(words.length)
  const shift = Math.max(0, highBit + 1 - bits)
  const range = 2 ** bits
  const half = range / 2
  const divisor = 2 ** shift
  for (let i = 0; i < words.length; i++) {
    // Division/modulo instead of >>> and & so 32-bit words stay exact (bitwise ops truncate to int32).
    let v = Math.floor((words[i] as number) / divisor) % range
    if (signed && v >= half) v -= range
    out[i] = v
  }
  return out
}

/** Values already signed by the codec (Int16Array etc.) are copied as they are. */
export function fromSignedSamples(samples: ArrayLike<number>): Int32Array {
  const out = new Int32Array(samples.length)
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] as number
  return out
}
