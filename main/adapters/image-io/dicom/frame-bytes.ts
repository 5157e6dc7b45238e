/**
 * Locating the bytes of one frame inside Pixel Data, for native (uncompressed) and encapsulated
 * (compressed, PS3.5 A.4) encodings. Every offset is checked against the real buffer so that a file whose
 * lengths lie fails with a coded error instead of reading garbage or allocating what it claims.
 */
// dicom-parser is a UMD bundle: its API is the CommonJS default export, not ESM named exports.
import dicomParser from 'dicom-parser'
import type { DataSet, Element } from 'dicom-parser'
import { ImageIoError } from '../errors'
import type { ImageAttributes } from './dicom-attributes'

/** Bytes of a native frame; for 1-bit data `bitOffset` is where the frame starts inside `bytes[0]`. */
export interface NativeFrame {
  readonly bytes: Uint8Array
  readonly bitOffset: number
}

/** Samples stored per frame: YBR_FULL_422 keeps two chroma samples per two pixels (4 bytes per pair). */
export function samplesPerFrame(a: ImageAttributes): number {
  if (a.photometric === 'YBR_FULL_422' && a.samplesPerPixel === 3) return a.rows * a.columns * 2
  return a.rows * a.columns * a.samplesPerPixel
}

/** The bytes of frame `frame` of native pixel data element `el`. Throws 'image/dicom-truncated-pixel-data'. */
export function nativeFrameBytes(ds: DataSet, el: Element, a: ImageAttributes, frame: number): NativeFrame {
  const bitsPerFrame = samplesPerFrame(a) * a.bitsAllocated
  const startBit = frame * bitsPerFrame
  const start = Math.floor(startBit / 8)
  const bitOffset = startBit % 8
  const length = Math.ceil((bitOffset + bitsPerFrame) / 8)
  // The element may claim more than the file holds (cut-off copy): trust only the bytes really there.
  const declared = el.length === 0xffffffff ? Infinity : el.length
  const available = Math.max(0, Math.min(declared, ds.byteArray.length - el.dataOffset))
  if (start + length > available) {
    throw new ImageIoError('image/dicom-truncated-pixel-data', {
      detail: { expectedBytes: start + length, actualBytes: available, frame },
    })
  }
  const offset = ds.byteArray.byteOffset + el.dataOffset + start
  return { bytes: new Uint8Array(ds.byteArray.buffer, offset, length), bitOffset }
}

/**
 * The compressed bytes of frame `frame`. Order of evidence (as cornerstone's getEncapsulatedImageFrame):
 * single frame → all fragments; Basic Offset Table → its entry; one fragment per frame → that fragment;
 * JPEG family → frame boundaries found from the EOI markers. Otherwise the frame cannot be located.
 */
export function encapsulatedFrameBytes(ds: DataSet, el: Element, a: ImageAttributes, frame: number, isJpegFamily: boolean): Uint8Array {
  const fragments = el.fragments ?? []
  if (fragments.length === 0) {
    throw new ImageIoError('image/dicom-no-pixel-data', { detail: { reason: 'encapsulated pixel data has no fragments' } })
  }
  for (const f of fragments) {
    // `position` is the absolute offset of the fragment's bytes in the buffer (dicom-parser's Fragment).
    if (f.position + f.length > ds.byteArray.length || f.length < 0) {
      throw new ImageIoError('image/dicom-truncated-pixel-data', { detail: { frame } })
    }
  }
  try {
    if (a.numberOfFrames === 1) return copy(dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length))
    if ((el.basicOffsetTable?.length ?? 0) > 0) return copy(dicomParser.readEncapsulatedImageFrame(ds, el, frame))
    if (fragments.length === a.numberOfFrames) return copy(dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frame, 1))
    if (isJpegFamily) {
      const table = dicomParser.createJPEGBasicOffsetTable(ds, el)
      return copy(dicomParser.readEncapsulatedImageFrame(ds, el, frame, table))
    }
  } catch (cause) {
    throw new ImageIoError('image/dicom-malformed', {
      detail: { reason: 'compressed frame could not be located', frame },
      cause: cause instanceof Error ? cause : new Error(String(cause)),
    })
  }
  throw new ImageIoError('image/dicom-malformed', {
    detail: { reason: 'multi-frame data without offset table and fragment count different from frame count', frame },
  })
}

/** Copies into a fresh buffer: WASM codecs copy it anyway, and a view would pin the whole file in memory. */
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
