/**
 * Reads only the frame header of a compressed codestream (JPEG SOFn, JPEG-LS SOF55, JPEG 2000 SIZ) — not a
 * decoder. Run before the codec so that a codestream claiming other dimensions than Rows/Columns, or a
 * precision the codec cannot handle, is refused with a coded error before any WASM memory is allocated.
 */

export interface CodestreamHeader {
  readonly width: number
  readonly height: number
  readonly precision: number
  readonly components: number
  readonly signed: boolean
  /** JPEG only: the SOF marker (0xC0 baseline, 0xC1 extended, 0xC3 lossless, …). */
  readonly sof?: number
}

const u16 = (b: Uint8Array, o: number): number => ((b[o] as number) << 8) | (b[o + 1] as number)
const u32 = (b: Uint8Array, o: number): number => u16(b, o) * 65536 + u16(b, o + 2)

/** JPEG (ITU T.81) and JPEG-LS (T.87, SOF55 = 0xF7): walks marker segments up to the frame header. */
export function peekJpegHeader(b: Uint8Array): CodestreamHeader | undefined {
  if (b[0] !== 0xff || b[1] !== 0xd8) return undefined
  let o = 2
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) return undefined
    const marker = b[o + 1] as number
    if (marker === 0xff) { o += 1; continue } // fill byte before a marker
    const length = u16(b, o + 2)
    const isSof = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7
    if (isSof) {
      if (o + 10 > b.length) return undefined
      return { precision: b[o + 4] as number, height: u16(b, o + 5), width: u16(b, o + 7), components: b[o + 9] as number, signed: false, sof: marker }
    }
    if (length < 2) return undefined
    o += 2 + length
  }
  return undefined
}

/**
 * true when a JPEG codestream ends with its EOI marker (FF D9). Padding after it is allowed: DICOM pads
 * odd-length fragments to even length, with 00 or, as in the JPGExtended.dcm sample, an FF fill byte.
 * FF D9 cannot occur inside entropy-coded data (an FF there is followed by 00), so a stream cut anywhere
 * before its end fails this check.
 */
export function endsWithJpegEoi(b: Uint8Array): boolean {
  let end = b.length
  while (end > 2 && (b[end - 1] === 0x00 || b[end - 1] === 0xff)) end--
  return end >= 4 && b[end - 2] === 0xff && b[end - 1] === 0xd9
}

/** JPEG 2000 / HTJ2K codestream (ISO 15444-1 A.5.1 SIZ). Looks past a JP2 wrapper for the SOC+SIZ pair. */
export function peekJ2kHeader(b: Uint8Array): CodestreamHeader | undefined {
  let o = -1
  const limit = Math.min(b.length - 4, 4096)
  for (let i = 0; i <= limit; i++) {
    if (b[i] === 0xff && b[i + 1] === 0x4f && b[i + 2] === 0xff && b[i + 3] === 0x51) { o = i + 2; break }
  }
  if (o < 0 || o + 42 > b.length) return undefined
  // SIZ: marker(2) Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4) XTsiz(4) YTsiz(4) XTOsiz(4) YTOsiz(4) Csiz(2) Ssiz…
  const xsiz = u32(b, o + 6)
  const ysiz = u32(b, o + 10)
  const xo = u32(b, o + 14)
  const yo = u32(b, o + 18)
  const components = u16(b, o + 38)
  const ssiz = b[o + 40] as number
  return { width: xsiz - xo, height: ysiz - yo, precision: (ssiz & 0x7f) + 1, components, signed: (ssiz & 0x80) !== 0 }
}
