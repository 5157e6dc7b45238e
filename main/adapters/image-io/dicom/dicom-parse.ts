/**
 * DICOM data set parsing with dicom-parser: Part 10 files, files without preamble or without File Meta
 * (older or hand-made exports still seen on CDs), and deflated data sets inflated with a size cap.
 * Parser failures become coded errors; the parser's own text goes to `cause` only (it names offsets, not values).
 */
import { inflateRawSync } from 'node:zlib'
// dicom-parser is a UMD bundle: its API is the CommonJS default export, not ESM named exports.
import dicomParser from 'dicom-parser'
import type { DataSet } from 'dicom-parser'
import { ImageIoError } from '../errors'
import { hasAscii } from '../loader'
import { MAX_DEFLATED_DATASET_BYTES } from '../limits'
import { EXPLICIT_VR_LE, IMPLICIT_VR_LE } from './transfer-syntax'

/**
 * How the bytes start: a Part 10 file; one missing its 128-byte preamble ('DICM' first); File Meta without
 * preamble and 'DICM' (group 0002 first); or a bare data set without File Meta, explicit or implicit VR.
 */
export type DicomLayout = 'part10' | 'part10-no-preamble' | 'meta-no-preamble' | 'dataset-explicit' | 'dataset-implicit'

const VR_CHARS = /^[A-Z]{2}$/

/**
 * Recognises DICOM by content. 'DICM' at 128 is the Part 10 signature. Without it, a data set usually begins
 * with group 0002 or 0008 in little endian, followed either by a two-letter VR (explicit) or by a 4-byte
 * length that fits the file (implicit). This is a heuristic, so the registry only uses it after every
 * signature-based loader declined.
 */
export function dicomLayoutOf(head: Uint8Array, fileLength = head.length): DicomLayout | undefined {
  if (hasAscii(head, 128, 'DICM')) return 'part10'
  if (hasAscii(head, 0, 'DICM')) return 'part10-no-preamble'
  if (head.length < 8) return undefined
  const group = (head[0] as number) | ((head[1] as number) << 8)
  if (group !== 0x0002 && group !== 0x0008) return undefined
  const vr = String.fromCharCode(head[4] as number, head[5] as number)
  // File Meta is always explicit VR little endian (PS3.10 7.1), so group 0002 needs a VR to count.
  if (VR_CHARS.test(vr)) return group === 0x0002 ? 'meta-no-preamble' : 'dataset-explicit'
  if (group === 0x0002) return undefined
  const length = ((head[4] as number) | ((head[5] as number) << 8) | ((head[6] as number) << 16)) + (head[7] as number) * 2 ** 24
  return length > 0 && length < Math.min(fileLength, 1024) ? 'dataset-implicit' : undefined
}

/** Result of parsing: the data set and how the file was laid out (reported in meta). */
export interface ParsedDicom {
  readonly dataSet: DataSet
  readonly layout: DicomLayout
  readonly transferSyntaxUid: string
  readonly hasFileMeta: boolean
}

/** Parses `bytes` (never mutated). Throws ImageIoError 'image/dicom-malformed' / 'image/dicom-truncated-pixel-data' / 'image/too-large'. */
export function parseDicomBytes(bytes: Uint8Array): ParsedDicom {
  const layout = dicomLayoutOf(bytes.subarray(0, 1024), bytes.length)
  if (!layout) throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'no DICOM signature' } })
  let input = bytes
  let options: dicomParser.ParseDicomOptions = { inflater: cappedInflater }
  if (layout === 'part10-no-preamble' || layout === 'meta-no-preamble') {
    // dicom-parser wants 'DICM' at 128: give it the preamble (and signature) the writer left out, so the
    // File Meta, and with it the real transfer syntax, is read.
    const skip = layout === 'part10-no-preamble' ? 0 : 4
    input = new Uint8Array(128 + skip + bytes.length)
    input.set([0x44, 0x49, 0x43, 0x4d], 128)
    input.set(bytes, 128 + skip)
  } else if (layout === 'dataset-explicit' || layout === 'dataset-implicit') {
    const fallback = layout === 'dataset-explicit' ? EXPLICIT_VR_LE : IMPLICIT_VR_LE
    options = { ...options, TransferSyntaxUID: fallback }
  }
  let dataSet: DataSet
  try {
    dataSet = dicomParser.parseDicom(input, options)
  } catch (thrown) {
    if (thrown instanceof ImageIoError) throw thrown
    const partial = partialDataSetOf(thrown)
    // An overrun after the pixel data element started means the file was cut inside the image.
    if (partial?.elements.x7fe00010) {
      throw new ImageIoError('image/dicom-truncated-pixel-data', { detail: { actualBytes: bytes.length }, cause: causeOf(thrown) })
    }
    throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'data set could not be parsed' }, cause: causeOf(thrown) })
  }
  const tsElement = dataSet.elements.x00020010
  const uid = (dataSet.string('x00020010') ?? (tsElement && 'Value' in tsElement ? String(tsElement.Value) : '')).trim()
  return { dataSet, layout, transferSyntaxUid: uid || IMPLICIT_VR_LE, hasFileMeta: layout === 'part10' || layout.endsWith('preamble') }
}

/**
 * dicom-parser calls this for Deflated Explicit VR LE: returns header bytes + inflated data set.
 * `maxOutputLength` stops zip bombs before they allocate.
 */
function cappedInflater(byteArray: Uint8Array, position: number): Uint8Array {
  let inflated: Buffer
  try {
    inflated = inflateRawSync(byteArray.subarray(position), { maxOutputLength: MAX_DEFLATED_DATASET_BYTES })
  } catch (cause) {
    // zlib signals maxOutputLength with a RangeError (ERR_BUFFER_TOO_LARGE); anything else is corrupt data.
    if (cause instanceof RangeError) throw new ImageIoError('image/too-large', { detail: { reason: `deflated data set inflates past ${MAX_DEFLATED_DATASET_BYTES / 2 ** 20} MB` }, cause })
    throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'deflated data set is corrupt' }, cause })
  }
  const full = new Uint8Array(position + inflated.length)
  full.set(byteArray.subarray(0, position), 0)
  full.set(inflated, position)
  return full
}

/** dicom-parser throws `{ exception, dataSet }` objects, plain strings or Errors; extract the partial data set. */
function partialDataSetOf(thrown: unknown): DataSet | undefined {
  if (typeof thrown === 'object' && thrown !== null && 'dataSet' in thrown) {
    const ds = (thrown as { dataSet?: unknown }).dataSet
    if (typeof ds === 'object' && ds !== null && 'elements' in ds) return ds as DataSet
  }
  return undefined
}

/** Normalises what dicom-parser throws into an Error for `cause` (it throws strings and plain objects). */
function causeOf(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown
  if (typeof thrown === 'string') return new Error(thrown)
  if (typeof thrown === 'object' && thrown !== null && 'exception' in thrown) return causeOf((thrown as { exception: unknown }).exception)
  return new Error('dicom-parser failed')
}
