/**
 * In DICOM the Photometric Interpretation says whether a 3-component JPEG holds RGB or YCbCr
 * (PS3.5 8.2.1); libjpeg instead guesses from the JFIF / Adobe markers and, without them, assumes YCbCr.
 * For Photometric RGB this edits a copy of the codestream's markers — JFIF disabled, an Adobe APP14 with
 * transform 0 ("RGB, no transform") present — so libjpeg-turbo returns the samples as stored, which is what
 * DCMTK (which follows the Photometric Interpretation) shows. Entropy-coded data is not touched.
 */

/** Adobe APP14 segment: marker, length 14, "Adobe", version 100, flags0, flags1, transform 0. */
const ADOBE_RGB = Uint8Array.of(0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00)

const isAscii = (b: Uint8Array, o: number, s: string): boolean => [...s].every((c, i) => b[o + i] === c.charCodeAt(0))

/** Copy of `jpeg` that libjpeg decodes without a YCbCr → RGB conversion. Returns the input if it is not a JPEG. */
export function withoutColourTransform(jpeg: Uint8Array): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return jpeg
  const out = new Uint8Array(jpeg)
  let hasAdobe = false
  let o = 2
  while (o + 4 <= out.length && out[o] === 0xff) {
    const marker = out[o + 1] as number
    if (marker === 0xda || marker === 0xd9) break // start of scan / end of image: no more header markers
    const length = ((out[o + 2] as number) << 8) | (out[o + 3] as number)
    if (length < 2) break
    if (marker === 0xe0 && isAscii(out, o + 4, 'JFIF\0')) out[o + 7] = 0x58 // 'JFIF' → 'JFIX': libjpeg ignores it
    if (marker === 0xee && isAscii(out, o + 4, 'Adobe') && o + 15 < out.length) {
      out[o + 15] = 0 // transform flag
      hasAdobe = true
    }
    o += 2 + length
  }
  if (hasAdobe) return out
  const patched = new Uint8Array(out.length + ADOBE_RGB.length)
  patched.set(out.subarray(0, 2), 0)
  patched.set(ADOBE_RGB, 2)
  patched.set(out.subarray(2), 2 + ADOBE_RGB.length)
  return patched
}
