/**
 * One entry point for compressed DICOM frames: RLE, 8-bit JPEG baseline/extended (libjpeg-turbo), 12-bit
 * JPEG extended (IJG 6b from dcmjs-codecs), JPEG lossless (jpeg-lossless-decoder-js), JPEG-LS (CharLS),
 * JPEG 2000 (OpenJPEG) and HTJ2K (OpenJPH).
 * Each codestream's header is checked against Rows/Columns first; every codec failure becomes
 * 'image/dicom-decode-failed' naming the transfer syntax, never a crash.
 */
import { AppError } from '../../../../core/errors'
import { ImageIoError } from '../../errors'
import type { CodecId } from '../transfer-syntax'
import { endsWithJpegEoi, peekJ2kHeader, peekJpegHeader, type CodestreamHeader } from './codestream-header'
import { withoutColourTransform } from './jpeg-colour'
import { decodeRle } from './rle'
import { DecodeTimeoutError, decodeDeadlineMs, runWasmDecoder, type Jpeg12Frame, type WasmCodecId, type WorkerDecodeResult } from './codec-worker'

/** Decoded samples of one frame plus what the codec says about them. */
export interface DecodedFrame {
  readonly samples: Uint8Array | Uint16Array | Int16Array | Float64Array
  readonly components: number
  /** Precision of the samples (the codestream's, not Bits Allocated). */
  readonly bits: number
  /** true when `samples` already hold signed values (JPEG 2000 with signed components). */
  readonly signed: boolean
  /** false only for colour data stored plane by plane (JPEG-LS interleave mode 0). */
  readonly interleaved: boolean
}

/** What the frame must look like according to the data set. */
export interface FrameExpectation {
  readonly rows: number
  readonly columns: number
  readonly samplesPerPixel: number
  readonly bitsAllocated: number
  readonly photometric: string
  readonly transferSyntax: string
  readonly signal?: AbortSignal
}

const LOSSLESS_SOF = new Set([0xc3, 0xc7, 0xcb, 0xcf])

function failed(exp: FrameExpectation, reason: string, cause?: unknown): ImageIoError {
  // Emscripten throws bare numbers (C++ exception pointers) and dicom libraries throw strings: wrap them.
  const err = cause === undefined || cause instanceof Error ? cause : new Error(String(cause))
  return new ImageIoError('image/dicom-decode-failed', { detail: { transferSyntax: exp.transferSyntax, reason }, cause: err })
}

function checkHeader(h: CodestreamHeader | undefined, exp: FrameExpectation): CodestreamHeader {
  if (!h) throw failed(exp, 'no codestream header')
  if (h.width !== exp.columns || h.height !== exp.rows) {
    throw failed(exp, `codestream is ${h.width} × ${h.height}, data set says ${exp.columns} × ${exp.rows}`)
  }
  if (h.components !== exp.samplesPerPixel) throw failed(exp, `codestream has ${h.components} components, data set ${exp.samplesPerPixel}`)
  return h
}

/** Reinterprets little-endian 16-bit bytes from a WASM codec. */
function words16(bytes: Uint8Array, signed: boolean): Uint16Array | Int16Array {
  const n = bytes.length >> 1
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * 2)
  const out = signed ? new Int16Array(n) : new Uint16Array(n)
  for (let i = 0; i < n; i++) out[i] = signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true)
  return out
}

/** Runs a decoder in the codec worker, mapping deadline, abort and codec failures to coded errors. */
async function inWorker(id: WasmCodecId, bytes: Uint8Array, exp: FrameExpectation, bytesPerSample = 1, frame?: Jpeg12Frame): Promise<WorkerDecodeResult> {
  try {
    return await runWasmDecoder(id, bytes, {
      timeoutMs: decodeDeadlineMs(exp.rows * exp.columns), bytesPerSample, ...(exp.signal ? { signal: exp.signal } : {}), ...(frame ? { frame } : {}),
    })
  } catch (cause) {
    if (exp.signal?.aborted) throw new AppError('run/cancelled', { cause })
    const reason = cause instanceof DecodeTimeoutError ? 'decoder did not finish in time' : `${id} decoder rejected the codestream`
    throw failed(exp, reason, cause)
  }
}

async function wasm(id: Exclude<WasmCodecId, 'jpeg-lossless' | 'jpeg-12bit'>, bytes: Uint8Array, exp: FrameExpectation): Promise<DecodedFrame> {
  const r = await inWorker(id, bytes, exp)
  const { info } = r
  if (info.width !== exp.columns || info.height !== exp.rows || info.componentCount !== exp.samplesPerPixel) {
    throw failed(exp, 'decoded frame size differs from the data set')
  }
  const signed = info.isSigned === true
  const samples = info.bitsPerSample > 8 ? words16(r.decoded, signed) : signed ? Int16Array.from(new Int8Array(r.decoded.buffer)) : r.decoded
  const expected = exp.rows * exp.columns * exp.samplesPerPixel
  if (samples.length < expected) throw failed(exp, 'decoder returned fewer samples than the frame needs')
  // CharLS returns colour data plane by plane for interleave mode 0 ("none"), pixel-interleaved otherwise.
  const interleaved = !(id === 'jpeg-ls' && info.componentCount > 1 && r.interleaveMode === 0)
  return { samples: samples.subarray(0, expected), components: info.componentCount, bits: info.bitsPerSample, signed, interleaved }
}

async function jpegLossless(bytes: Uint8Array, exp: FrameExpectation, h: CodestreamHeader): Promise<DecodedFrame> {
  const wide = h.precision > 8
  const r = await inWorker('jpeg-lossless', bytes, exp, wide ? 2 : 1)
  const samples = wide ? words16(r.decoded, false) : r.decoded
  const expected = exp.rows * exp.columns * exp.samplesPerPixel
  if (samples.length < expected) throw failed(exp, 'decoder returned fewer samples than the frame needs')
  return { samples: samples.subarray(0, expected), components: h.components, bits: h.precision, signed: false, interleaved: true }
}

/**
 * 12-bit DCT JPEG (JPEG Extended, Process 4) through IJG 6b, the library DCMTK decodes it with. IJG fills a
 * codestream that stops early with grey and only warns ("premature end of data segment"), so a missing EOI
 * is refused here first: a cut-off frame gets a coded error instead of a plausible-looking image.
 */
async function jpeg12(bytes: Uint8Array, exp: FrameExpectation, h: CodestreamHeader): Promise<DecodedFrame> {
  if (!endsWithJpegEoi(bytes)) {
    throw new ImageIoError('image/dicom-truncated-pixel-data', {
      detail: { transferSyntax: exp.transferSyntax, reason: '12-bit JPEG codestream ends before its EOI marker' },
    })
  }
  const toRgb = h.components === 3 && exp.photometric.startsWith('YBR')
  const frame: Jpeg12Frame = { columns: exp.columns, rows: exp.rows, components: h.components, photometric: exp.photometric, toRgb }
  const r = await inWorker('jpeg-12bit', bytes, exp, 2, frame)
  const { info } = r
  if (info.width !== exp.columns || info.height !== exp.rows || info.componentCount !== exp.samplesPerPixel) {
    throw failed(exp, 'decoded frame size differs from the data set')
  }
  const samples = words16(r.decoded, false)
  const expected = exp.rows * exp.columns * exp.samplesPerPixel
  if (samples.length < expected) throw failed(exp, 'decoder returned fewer samples than the frame needs')
  return { samples: samples.subarray(0, expected), components: h.components, bits: h.precision, signed: false, interleaved: true }
}

/** Decodes one compressed frame. `codec` comes from the transfer syntax table. */
export async function decodeCompressedFrame(codec: CodecId, bytes: Uint8Array, exp: FrameExpectation): Promise<DecodedFrame> {
  switch (codec) {
    case 'rle': {
      const bytesPerSample = Math.ceil(exp.bitsAllocated / 8)
      const samples = decodeRle(bytes, exp.rows * exp.columns, exp.samplesPerPixel, bytesPerSample)
      return { samples, components: exp.samplesPerPixel, bits: exp.bitsAllocated, signed: false, interleaved: true }
    }
    case 'jpeg-baseline': {
      const h = checkHeader(peekJpegHeader(bytes), exp)
      // Some writers label lossless JPEG as baseline; the SOF marker is the truth. So is its sample precision
      // (not Bits Stored / Bits Allocated): 8 → libjpeg-turbo, 12 → IJG 12-bit.
      if (h.sof !== undefined && LOSSLESS_SOF.has(h.sof)) return jpegLossless(bytes, exp, h)
      if (h.precision === 12) return jpeg12(bytes, exp, h)
      if (h.precision !== 8) {
        throw new ImageIoError('image/dicom-unsupported-transfer-syntax', {
          detail: { transferSyntax: `${exp.transferSyntax}, ${h.precision}-bit`, reason: 'DCT JPEG has 8- or 12-bit samples only (ITU T.81)' },
        })
      }
      // Photometric RGB means the components were stored without a colour transform: stop libjpeg guessing.
      const stream = exp.photometric === 'RGB' && h.components === 3 ? withoutColourTransform(bytes) : bytes
      return wasm('jpeg-baseline', stream, exp)
    }
    case 'jpeg-lossless':
      return jpegLossless(bytes, exp, checkHeader(peekJpegHeader(bytes), exp))
    case 'jpeg-ls':
      checkHeader(peekJpegHeader(bytes), exp)
      return wasm('jpeg-ls', bytes, exp)
    case 'jpeg2000':
    case 'htj2k':
      checkHeader(peekJ2kHeader(bytes), exp)
      return wasm(codec, bytes, exp)
    default:
      throw new ImageIoError('image/dicom-unsupported-transfer-syntax', { detail: { transferSyntax: exp.transferSyntax } })
  }
}
