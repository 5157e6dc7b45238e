/**
 * Pixel pipeline of one DICOM frame: locate → decode (native or codec) → stored values → Modality LUT
 * (grey) or RGB (colour: RGB, YBR_FULL, YBR_FULL_422, YBR_RCT/ICT, PALETTE COLOR, either planar configuration).
 */
import type { DataSet } from 'dicom-parser'
import { ImageIoError } from '../errors'
import { MAX_PIXELS, tooLargeDetail } from '../limits'
import { applyPalette, planarToInterleaved, samplesTo8Bit, ybrFull422ToRgb, ybrFullToRgb } from '../../../core/image/colour'
import { applyModalityLut, applyRescale, valueRange } from '../../../core/image/modality-lut'
import type { ScanPixels } from '../../../core/image/scan-types'
import type { ImageAttributes } from './dicom-attributes'
import { decodeCompressedFrame, type DecodedFrame } from './codecs/decode-frame'
import { encapsulatedFrameBytes, nativeFrameBytes, samplesPerFrame } from './frame-bytes'
import { fromSignedSamples, nativeWords, toStoredValues, type StoredValues } from './stored-values'
import type { TransferSyntax } from './transfer-syntax'

const GREY = new Set(['MONOCHROME1', 'MONOCHROME2'])
const COLOUR = new Set(['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT', 'YBR_PARTIAL_420', 'YBR_PARTIAL_422'])

function unsupported(reason: string): ImageIoError {
  return new ImageIoError('image/dicom-unsupported-pixel-format', { detail: { reason } })
}

/** Refuses combinations the pipeline cannot show, before any pixel is touched. */
export function checkPixelFormat(a: ImageAttributes, ts: TransferSyntax): void {
  if (a.rows * a.columns > MAX_PIXELS) throw new ImageIoError('image/too-large', { detail: tooLargeDetail(a.columns, a.rows) })
  const p = a.photometric
  if (GREY.has(p) || p === 'PALETTE COLOR') {
    if (a.samplesPerPixel !== 1) throw unsupported(`${p} with ${a.samplesPerPixel} samples per pixel`)
  } else if (COLOUR.has(p)) {
    if (a.samplesPerPixel !== 3) throw unsupported(`${p} with ${a.samplesPerPixel} samples per pixel`)
    if (a.bitsAllocated !== 8 && a.bitsAllocated !== 16) throw unsupported(`colour with Bits Allocated ${a.bitsAllocated}`)
    // Partial-range YBR only occurs inside JPEG, where libjpeg-turbo converts it; uncompressed it is retired.
    if (p.startsWith('YBR_PARTIAL') && ts.codec !== 'jpeg-baseline') throw unsupported(`${p} outside JPEG`)
  } else {
    throw unsupported(`photometric interpretation ${p || 'missing'}`)
  }
  if (![1, 8, 16, 32, 64].includes(a.bitsAllocated)) throw unsupported(`Bits Allocated ${a.bitsAllocated}`)
  if (a.bitsStored < 1) throw unsupported(`Bits Stored ${a.bitsStored}`)
  if (p === 'PALETTE COLOR' && a.hasSegmentedPalette) throw unsupported('segmented palette colour tables')
  if (p === 'PALETTE COLOR' && !a.palette) throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'palette tables missing' } })
}

/** Grey stored values → modality units. */
function toModality(stored: ArrayLike<number>, a: ImageAttributes): ScanPixels {
  const values = a.modalityLut ? applyModalityLut(stored, a.modalityLut) : applyRescale(stored, a.rescale.slope, a.rescale.intercept)
  const { min, max } = valueRange(values)
  return { kind: 'gray', values, min, max }
}

/** Colour samples (any layout/space the data set declares) → interleaved 8-bit RGB. */
function toRgb(samples: ArrayLike<number>, bits: number, interleaved: boolean, a: ImageAttributes, codecMadeRgb: boolean): ScanPixels {
  const pixels = a.rows * a.columns
  let rgb = samplesTo8Bit(samples, bits)
  if (!interleaved) rgb = planarToInterleaved(rgb, pixels)
  const isYbr = a.photometric === 'YBR_FULL' || a.photometric === 'YBR_FULL_422'
  if (isYbr && !codecMadeRgb) rgb = ybrFullToRgb(rgb)
  return { kind: 'rgb', rgb }
}

function storedFromDecoded(d: DecodedFrame, a: ImageAttributes, isRle: boolean): StoredValues {
  if (d.signed) return fromSignedSamples(d.samples)
  // RLE keeps whole Bits Allocated words: mask like native data. A codestream may carry more precision than
  // Bits Stored (DCMTK encodes 12-bit data with junk high bits at 16-bit precision): mask to Bits Stored.
  // With less precision than Bits Stored (JPEG 2000 written at 14 bits for a 16-bit signed CT), the sign bit
  // is the codestream's top bit, as pydicom's JPEG 2000 correction also assumes.
  const bits = isRle ? a.bitsStored : Math.min(d.bits, a.bitsStored)
  return toStoredValues(d.samples, a.pixelRepresentation === 1, bits, bits === a.bitsStored ? a.highBit : bits - 1)
}

/** Decodes frame `frame` of the data set into display-ready scan pixels. */
export async function decodeFramePixels(ds: DataSet, a: ImageAttributes, ts: TransferSyntax, frame: number, signal?: AbortSignal): Promise<ScanPixels> {
  checkPixelFormat(a, ts)
  const el = ds.elements.x7fe00010 ?? ds.elements.x7fe00008 ?? ds.elements.x7fe00009
  if (!el) throw new ImageIoError('image/dicom-no-pixel-data')
  if (ts.codec === 'unsupported') {
    throw new ImageIoError('image/dicom-unsupported-transfer-syntax', { detail: { transferSyntax: ts.name, transferSyntaxUid: ts.uid } })
  }
  const isPalette = a.photometric === 'PALETTE COLOR'
  const isGrey = GREY.has(a.photometric)
  if (ts.codec === 'native') {
    if (el.encapsulatedPixelData) throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'compressed pixel data under an uncompressed transfer syntax' } })
    if (el.tag !== 'x7fe00010') return floatPixels(ds, el, a, frame)
    const count = samplesPerFrame(a)
    const words = nativeWords(nativeFrameBytes(ds, el, a, frame), a, count, ts.bigEndian)
    if (isGrey) return toModality(toStoredValues(words, a.pixelRepresentation === 1, a.bitsStored, a.highBit), a)
    if (isPalette && a.palette) return { kind: 'rgb', rgb: applyPalette(toStoredValues(words, false, a.bitsStored, a.highBit), a.palette) }
    if (a.photometric === 'YBR_FULL_422' && a.bitsAllocated === 8) return { kind: 'rgb', rgb: ybrFull422ToRgb(words as Uint8Array, a.columns, a.rows) }
    return toRgb(words, a.bitsStored, a.planarConfiguration === 0, a, false)
  }
  if (!el.encapsulatedPixelData) {
    throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'uncompressed pixel data under a compressed transfer syntax' } })
  }
  const isJpegFamily = ts.codec === 'jpeg-baseline' || ts.codec === 'jpeg-lossless' || ts.codec === 'jpeg-ls'
  const bytes = encapsulatedFrameBytes(ds, el, a, frame, isJpegFamily)
  const decoded = await decodeCompressedFrame(ts.codec, bytes, {
    rows: a.rows, columns: a.columns, samplesPerPixel: a.samplesPerPixel, bitsAllocated: a.bitsAllocated, photometric: a.photometric,
    transferSyntax: ts.name, ...(signal ? { signal } : {}),
  })
  if (isGrey) return toModality(storedFromDecoded(decoded, a, ts.codec === 'rle'), a)
  if (isPalette && a.palette) return { kind: 'rgb', rgb: applyPalette(storedFromDecoded(decoded, { ...a, pixelRepresentation: 0 }, ts.codec === 'rle'), a.palette) }
  // libjpeg-turbo converts YCbCr to RGB itself; JPEG 2000 undoes its RCT/ICT itself (YBR_RCT/YBR_ICT).
  const codecMadeRgb = ts.codec === 'jpeg-baseline'
  return toRgb(decoded.samples, ts.codec === 'rle' ? a.bitsStored : decoded.bits, decoded.interleaved, a, codecMadeRgb)
}

/** Float / Double Float Pixel Data (parametric maps): values are already in modality units. */
function floatPixels(ds: DataSet, el: NonNullable<DataSet['elements'][string]>, a: ImageAttributes, frame: number): ScanPixels {
  const isDouble = el.tag === 'x7fe00009'
  const size = isDouble ? 8 : 4
  const count = a.rows * a.columns
  const start = el.dataOffset + frame * count * size
  if (start + count * size > ds.byteArray.length) {
    throw new ImageIoError('image/dicom-truncated-pixel-data', { detail: { frame } })
  }
  const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + start, count * size)
  const values = new Float32Array(count)
  for (let i = 0; i < count; i++) values[i] = isDouble ? view.getFloat64(i * size, true) : view.getFloat32(i * size, true)
  const { min, max } = valueRange(values)
  return { kind: 'gray', values, min, max }
}
