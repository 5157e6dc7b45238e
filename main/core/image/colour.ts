/**
 * Colour pixel layouts → interleaved 8-bit RGB (DICOM PS3.3 C.7.6.3.1.2 photometric interpretations and
 * C.7.6.3.1.3 planar configuration; palette colour C.7.6.3.1.5). Pure functions over typed arrays.
 */
import type { LookupTable } from './scan-types'

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v))

/** Planar (RRR…GGG…BBB…) → interleaved (RGBRGB…). */
export function planarToInterleaved(planar: ArrayLike<number>, pixelCount: number): Uint8Array {
  const out = new Uint8Array(pixelCount * 3)
  for (let i = 0; i < pixelCount; i++) {
    out[i * 3] = planar[i] as number
    out[i * 3 + 1] = planar[i + pixelCount] as number
    out[i * 3 + 2] = planar[i + 2 * pixelCount] as number
  }
  return out
}

/** YBR_FULL (interleaved, full range, ITU-R BT.601 as PS3.3 C.7.6.3.1.2 defines it) → RGB. */
export function ybrFullToRgb(ybr: Uint8Array): Uint8Array {
  const out = new Uint8Array(ybr.length)
  for (let i = 0; i + 2 < ybr.length; i += 3) {
    const y = ybr[i] as number
    const cb = (ybr[i + 1] as number) - 128
    const cr = (ybr[i + 2] as number) - 128
    out[i] = clamp8(y + 1.402 * cr)
    out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr)
    out[i + 2] = clamp8(y + 1.772 * cb)
  }
  return out
}

/**
 * Uncompressed YBR_FULL_422: each pair of pixels is stored as Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2), so a row
 * holds width·2 bytes. Expands the shared chroma, then converts to RGB.
 */
export function ybrFull422ToRgb(data: Uint8Array, width: number, height: number): Uint8Array {
  const ybr = new Uint8Array(width * height * 3)
  let src = 0
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col += 2) {
      const y1 = data[src] as number
      const y2 = data[src + 1] as number
      const cb = data[src + 2] as number
      const cr = data[src + 3] as number
      src += 4
      const o = (row * width + col) * 3
      ybr[o] = y1; ybr[o + 1] = cb; ybr[o + 2] = cr
      if (col + 1 < width) { ybr[o + 3] = y2; ybr[o + 4] = cb; ybr[o + 5] = cr }
    }
  }
  return ybrFullToRgb(ybr)
}

/** Scales samples of `bits` precision down to 8 bits (16-bit RGB is legal DICOM but displays at 8). */
export function samplesTo8Bit(samples: ArrayLike<number>, bits: number): Uint8Array {
  const out = new Uint8Array(samples.length)
  if (bits <= 8) {
    for (let i = 0; i < samples.length; i++) out[i] = clamp8(samples[i] as number)
    return out
  }
  const shift = 2 ** (bits - 8)
  for (let i = 0; i < samples.length; i++) out[i] = clamp8(Math.floor((samples[i] as number) / shift))
  return out
}

/** The three palette tables of a PALETTE COLOR image. */
export interface Palette {
  readonly red: LookupTable
  readonly green: LookupTable
  readonly blue: LookupTable
}

/**
 * Maps palette indices to RGB. Indices below the first mapped value take entry 0 and above the table its
 * last entry (PS3.3 C.7.6.3.1.5). 16-bit entries are reduced to their high byte, the usual reading of the
 * standard and what DCMTK shows.
 */
export function applyPalette(indices: ArrayLike<number>, palette: Palette): Uint8Array {
  const out = new Uint8Array(indices.length * 3)
  const tables = [palette.red, palette.green, palette.blue]
  const lookups = tables.map((t) => {
    const to8 = t.bits > 8 ? 1 / 256 : 1
    const table = new Uint8Array(t.data.length)
    for (let i = 0; i < t.data.length; i++) table[i] = clamp8(Math.floor((t.data[i] as number) * to8))
    return { table, first: t.firstMapped }
  })
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i] as number
    for (let c = 0; c < 3; c++) {
      const lk = lookups[c]
      if (!lk || lk.table.length === 0) continue
      const idx = Math.min(lk.table.length - 1, Math.max(0, v - lk.first))
      out[i * 3 + c] = lk.table[idx] as number
    }
  }
  return out
}

/** Grey 8-bit levels → RGB by replicating each level into three channels. */
export function grayToRgb(levels: Uint8Array): Uint8Array {
  const out = new Uint8Array(levels.length * 3)
  for (let i = 0; i < levels.length; i++) {
    const v = levels[i] as number
    out[i * 3] = v; out[i * 3 + 1] = v; out[i * 3 + 2] = v
  }
  return out
}
