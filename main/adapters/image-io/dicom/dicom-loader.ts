/**
 * DICOM loader: Part 10 files (explicit/implicit VR, little/big endian, deflated), files without preamble or
 * File Meta, native and compressed pixel data, multi-frame with a frame picker. Parsing by dicom-parser,
 * decoding by the cornerstone WASM codecs / jpeg-lossless-decoder-js / dcmjs-codecs' IJG for 12-bit JPEG (see
 * codecs/), pixel maths in core/image.
 */
import { ImageIoError, throwIfAborted } from '../errors'
import { extensionOf, type ImageLoader, type LoadOptions, type Match, type Probe } from '../loader'
import { buildPresets, colourPresets } from '../../../core/image/presets'
import { quantileRange } from '../../../core/image/modality-lut'
import type { LoadedScan, ScanPixels } from '../../../core/image/scan-types'
import { readImageAttributes, type ImageAttributes } from './dicom-attributes'
import { buildMeta, burnedInAnnotation, extractPhi } from './dicom-meta'
import { dicomLayoutOf, parseDicomBytes } from './dicom-parse'
import { decodeFramePixels } from './dicom-pixels'
import { transferSyntaxOf } from './transfer-syntax'

const EXTENSIONS = new Set(['.dcm', '.dicom', '.dic', '.ima'])

export const dicomLoader: ImageLoader = {
  id: 'dicom',

  match(probe: Probe): Match {
    const layout = dicomLayoutOf(probe.head)
    if (layout === 'part10' || layout === 'part10-no-preamble' || layout === 'meta-no-preamble') return 'signature'
    // A bare data set has no signature; accept it on content only when the name agrees, or when nothing else
    // claimed the file (the registry's extension pass), so a random binary is not parsed as DICOM first.
    if (layout) return 'extension'
    return EXTENSIONS.has(extensionOf(probe.name)) ? 'extension' : 'no'
  },

  async load(bytes: Uint8Array, opts: LoadOptions): Promise<LoadedScan> {
    throwIfAborted(opts.signal)
    const parsed = parseDicomBytes(bytes)
    const ds = parsed.dataSet
    const ts = transferSyntaxOf(parsed.transferSyntaxUid)
    const frame = opts.frame ?? 0
    const frameCount = Math.max(1, ds.intString('x00280008') ?? 1)
    if (!Number.isInteger(frame) || frame < 0 || frame >= frameCount) {
      throw new ImageIoError('image/frame-out-of-range', { detail: { frame, frameCount } })
    }
    if (!ds.elements.x7fe00010 && !ds.elements.x7fe00008 && !ds.elements.x7fe00009) {
      throw new ImageIoError('image/dicom-no-pixel-data')
    }
    const a = asMalformed(() => readImageAttributes(ds, frame))
    throwIfAborted(opts.signal)
    const pixels = await decodeFramePixels(ds, a, ts, frame, opts.signal)
    throwIfAborted(opts.signal)
    const meta = asMalformed(() => buildMeta(ds, a, ts, parsed.layout, parsed.hasFileMeta))
    const phi = asMalformed(() => extractPhi(ds))
    const burnedIn = burnedInAnnotation(meta)
    const presetInfo = pixels.kind === 'gray' ? greyPresets(pixels, a) : colourPresets()
    return {
      kind: 'dicom',
      width: a.columns,
      height: a.rows,
      frame: { index: frame, count: a.numberOfFrames },
      pixels,
      modality: a.modality,
      photometric: a.photometric,
      unit: pixels.kind === 'gray' ? a.unit : '',
      ...presetInfo,
      voiFunction: a.voiFunction,
      voiLuts: pixels.kind === 'gray' ? a.voiLuts : [],
      isInvertedByPhotometric: a.photometric === 'MONOCHROME1',
      ...(a.pixelSpacing ? { pixelSpacingMm: a.pixelSpacing } : {}),
      ...(burnedIn !== undefined ? { burnedInAnnotation: burnedIn } : {}),
      meta,
      phi,
    }
  },
}

/**
 * dicom-parser's accessors throw plain TypeErrors/strings on values that contradict their element (found by
 * the fuzz test). Reading attributes of a parsed but damaged data set is where such a failure is understood,
 * so it becomes 'image/dicom-malformed' here, with the original error as cause.
 */
function asMalformed<T>(read: () => T): T {
  try {
    return read()
  } catch (cause) {
    if (cause instanceof ImageIoError) throw cause
    throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'attribute values contradict their encoding' }, cause })
  }
}

function greyPresets(pixels: Extract<ScanPixels, { kind: 'gray' }>, a: ImageAttributes): ReturnType<typeof buildPresets> {
  const robust = quantileRange(pixels.values, 0.005, 0.995)
  return buildPresets({
    modality: a.modality,
    fileWindows: a.windows,
    voiLuts: a.voiLuts,
    range: { min: pixels.min, max: pixels.max },
    robust,
    // The fixed CT windows are in HU: offer them only when the values are HU (CT through a linear rescale).
    isHounsfield: a.modality === 'CT' && !a.modalityLut && a.unit === 'HU',
  })
}
