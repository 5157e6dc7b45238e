/**
 * Deterministic DICOM mutators for the fuzz test: truncation, bit flips, lying lengths, huge dimensions,
 * missing pixel data, junk inserted into the data set. A seeded PRNG keeps every run reproducible
 * (the failing case's label names the seed file, mutator and iteration).
 */
import { mulberry32 } from '../../main/core/tensor/prng'

/** Seeded PRNG (mulberry32): every fuzz case is reproducible from its label. */
export const prng = mulberry32

/** Byte offset of the first occurrence of tag (group, element) written little endian, or -1. */
export function findTag(bytes: Uint8Array, group: number, element: number): number {
  for (let i = 132; i + 4 <= bytes.length; i++) {
    if (bytes[i] === (group & 0xff) && bytes[i + 1] === group >> 8 && bytes[i + 2] === (element & 0xff) && bytes[i + 3] === element >> 8) return i
  }
  return -1
}

function setUint16(bytes: Uint8Array, offset: number, value: number): void {
  if (offset >= 0 && offset + 2 <= bytes.length) new DataView(bytes.buffer, bytes.byteOffset).setUint16(offset, value, true)
}

function setUint32(bytes: Uint8Array, offset: number, value: number): void {
  if (offset >= 0 && offset + 4 <= bytes.length) new DataView(bytes.buffer, bytes.byteOffset).setUint32(offset, value >>> 0, true)
}

/** `src` with 1–32 random bytes inserted at `at` (a new array). */
export function insertJunkAt(src: Uint8Array, at: number, rnd: () => number): Uint8Array {
  const junk = Uint8Array.from({ length: 1 + Math.floor(rnd() * 32) }, () => Math.floor(rnd() * 256))
  const out = new Uint8Array(src.length + junk.length)
  out.set(src.subarray(0, at), 0)
  out.set(junk, at)
  out.set(src.subarray(at), at + junk.length)
  return out
}

/** Value offset of an explicit-VR US element found at `at` (tag 4 bytes, VR 2, length 2). */
const usValue = (at: number): number => (at < 0 ? -1 : at + 8)

export type Mutator = (src: Uint8Array, rnd: () => number) => Uint8Array

export const MUTATORS: Readonly<Record<string, Mutator>> = {
  truncate: (src, rnd) => src.slice(0, Math.floor(rnd() * src.length)),
  flipBytes: (src, rnd) => {
    const out = src.slice()
    const n = 1 + Math.floor(rnd() * 24)
    for (let i = 0; i < n; i++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256)
    return out
  },
  lyingLength: (src, rnd) => {
    // Overwrite a 16- or 32-bit length-looking field after a random tag-aligned offset with a random size.
    const out = src.slice()
    const at = 132 + Math.floor(rnd() * Math.max(1, out.length - 140))
    const lengths = [0, 1, 0xffff, 0xfffffff0, 0xffffffff, Math.floor(rnd() * 2 ** 32)]
    setUint32(out, at, lengths[Math.floor(rnd() * lengths.length)] as number)
    return out
  },
  hugeDimensions: (src, rnd) => {
    const out = src.slice()
    const big = [0, 1, 65535, 40000, Math.floor(rnd() * 65536)]
    setUint16(out, usValue(findTag(out, 0x0028, 0x0010)), big[Math.floor(rnd() * big.length)] as number)
    setUint16(out, usValue(findTag(out, 0x0028, 0x0011)), big[Math.floor(rnd() * big.length)] as number)
    return out
  },
  badBitDepth: (src, rnd) => {
    const out = src.slice()
    const depths = [0, 1, 7, 12, 24, 33, 64, 65535]
    setUint16(out, usValue(findTag(out, 0x0028, 0x0100)), depths[Math.floor(rnd() * depths.length)] as number)
    setUint16(out, usValue(findTag(out, 0x0028, 0x0101)), depths[Math.floor(rnd() * depths.length)] as number)
    setUint16(out, usValue(findTag(out, 0x0028, 0x0002)), Math.floor(rnd() * 5))
    return out
  },
  missingPixelData: (src) => {
    const at = findTag(src, 0x7fe0, 0x0010)
    return at > 0 ? src.slice(0, at) : src.slice(0, Math.floor(src.length / 2))
  },
  pixelLength: (src, rnd) => {
    // Pixel Data element with a lying length (explicit VR OB/OW: tag 4, VR 2, reserved 2, length 4).
    const out = src.slice()
    const at = findTag(out, 0x7fe0, 0x0010)
    const lengths = [0, 2, 0xfffffffe, 0xffffffff, Math.floor(rnd() * 2 ** 31)]
    if (at > 0) setUint32(out, at + 8, lengths[Math.floor(rnd() * lengths.length)] as number)
    return out
  },
  corruptCodestream: (src, rnd) => {
    // Scramble the bytes after Pixel Data: compressed frames (headers, entropy data) or native samples.
    const out = src.slice()
    const at = Math.max(findTag(out, 0x7fe0, 0x0010), 0) + 12
    const n = 1 + Math.floor(rnd() * 64)
    for (let i = 0; i < n && at < out.length; i++) out[at + Math.floor(rnd() * (out.length - at))] = Math.floor(rnd() * 256)
    return out
  },
  insertJunk: (src, rnd) => insertJunkAt(src, 132 + Math.floor(rnd() * Math.max(1, src.length - 132)), rnd),
  hugeFrameCount: (src, rnd) => {
    const out = src.slice()
    const at = findTag(out, 0x0028, 0x0008)
    if (at > 0) out.set(new TextEncoder().encode(['99', '0 ', '-1', '9x'][Math.floor(rnd() * 4)] as string), at + 8)
    return out
  },
}
