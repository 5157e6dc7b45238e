/**
 * Reads the image attributes the pipeline needs from a dicom-parser DataSet into one typed record, so the
 * rest of the loader never touches tag strings. Enhanced (multi-frame functional group) objects keep
 * rescale, window and pixel spacing per frame or shared; those are looked up for the selected frame.
 */
import type { DataSet } from 'dicom-parser'
import { ImageIoError } from '../errors'
import type { LookupTable, PixelSpacingMm, VoiFunction, WindowLevel } from '../../../core/image/scan-types'
import { parseVoiFunction } from '../../../core/image/voi'

export interface ImageAttributes {
  readonly rows: number
  readonly columns: number
  readonly samplesPerPixel: number
  readonly bitsAllocated: number
  readonly bitsStored: number
  readonly highBit: number
  readonly pixelRepresentation: 0 | 1
  readonly photometric: string
  readonly planarConfiguration: 0 | 1
  readonly numberOfFrames: number
  readonly modality: string
  readonly rescale: { readonly slope: number; readonly intercept: number; readonly type: string }
  readonly modalityLut?: LookupTable & { readonly type: string }
  readonly windows: readonly { readonly window: WindowLevel; readonly explanation: string }[]
  readonly voiFunction: VoiFunction
  readonly voiLuts: readonly LookupTable[]
  readonly palette?: { readonly red: LookupTable; readonly green: LookupTable; readonly blue: LookupTable }
  readonly hasSegmentedPalette: boolean
  readonly pixelSpacing?: PixelSpacingMm
  readonly unit: string
}

/** Items of a sequence element, as data sets (empty when absent). */
export function itemsOf(ds: DataSet, tag: string): DataSet[] {
  return (ds.elements[tag]?.items ?? []).flatMap((it) => (it.dataSet ? [it.dataSet] : []))
}

/**
 * The data set holding `attr` for frame `frame`: the top level, else the frame's Per-frame Functional Group
 * macro `macroTag`, else the Shared one (PS3.3 C.7.6.16: per-frame overrides shared).
 */
function holderOf(ds: DataSet, frame: number, macroTag: string, attr: string): DataSet | undefined {
  if (ds.elements[attr]) return ds
  const perFrame = itemsOf(ds, 'x52009230')[frame]
  const shared = itemsOf(ds, 'x52009229')[0]
  for (const group of [perFrame, shared]) {
    const macro = group ? itemsOf(group, macroTag)[0] : undefined
    if (macro?.elements[attr]) return macro
  }
  return undefined
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v)

function str(ds: DataSet, tag: string): string {
  return (ds.string(tag) ?? '').trim()
}

/**
 * Reads a LUT (descriptor + data). The first-mapped value is signed when the descriptor is SS or the pixels
 * are signed (PS3.3 C.11.1.1.1); 0 entries means 65536. 8-bit tables packed into bytes are detected by length.
 */
export function readLut(ds: DataSet, descriptorTag: string, dataTag: string, signedPixels: boolean, explanation = ''): LookupTable | undefined {
  const desc = ds.elements[descriptorTag]
  const data = ds.elements[dataTag]
  if (!desc || !data || desc.length < 6) return undefined
  const entries = ds.uint16(descriptorTag, 0) || 65536
  const firstRaw = ds.uint16(descriptorTag, 1) ?? 0
  const first = (desc.vr === 'SS' || signedPixels) && firstRaw > 32767 ? firstRaw - 65536 : firstRaw
  const bits = ds.uint16(descriptorTag, 2) ?? 16
  if (data.dataOffset + data.length > ds.byteArray.length) {
    throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'look-up table runs past the end of the file' } })
  }
  const out = new Uint16Array(entries)
  if (bits <= 8 && data.length === entries) {
    for (let i = 0; i < entries; i++) out[i] = ds.byteArray[data.dataOffset + i] as number
  } else {
    const n = Math.min(entries, Math.floor(data.length / 2))
    for (let i = 0; i < n; i++) out[i] = ds.byteArrayParser.readUint16(ds.byteArray, data.dataOffset + i * 2)
  }
  return { firstMapped: first, bits, data: out, explanation }
}

function readWindows(holder: DataSet | undefined): { window: WindowLevel; explanation: string }[] {
  if (!holder) return []
  const n = Math.min(holder.numStringValues('x00281050') ?? 0, holder.numStringValues('x00281051') ?? 0)
  // dicom-parser's string(tag, i) throws past the last value, and files often carry fewer explanations.
  const explanations = holder.numStringValues('x00281055') ?? 0
  const out: { window: WindowLevel; explanation: string }[] = []
  for (let i = 0; i < n; i++) {
    const center = holder.floatString('x00281050', i)
    const width = holder.floatString('x00281051', i)
    const explanation = i < explanations ? (holder.string('x00281055', i) ?? '').trim() : ''
    if (finite(center) && finite(width)) out.push({ window: { center, width }, explanation })
  }
  return out
}

function readSpacing(ds: DataSet, frame: number, modality: string): PixelSpacingMm | undefined {
  const pick = (holder: DataSet | undefined, tag: string, source: PixelSpacingMm['source']): PixelSpacingMm | undefined => {
    const row = holder?.floatString(tag, 0)
    const column = holder?.floatString(tag, 1)
    // RG1_J2KI.dcm stores "0.000\0.000": zero or negative spacing means "unknown", not a scale bar of nothing.
    return finite(row) && finite(column) && row > 0 && column > 0 ? { row, column, source } : undefined
  }
  const fg = holderOf(ds, frame, 'x00289110', 'x00280030')
  const spacing = pick(fg, 'x00280030', fg === ds ? 'PixelSpacing' : 'PixelMeasuresSequence')
  // Projection radiographs (CR/DX/MG) often carry only the detector spacing.
  return spacing ?? (['CR', 'DX', 'MG', 'IO', 'RG'].includes(modality) ? pick(ds, 'x00181164', 'ImagerPixelSpacing') : undefined)
}

function unitOf(ds: DataSet, modality: string, rescaleType: string, lutType: string | undefined): string {
  if (lutType && lutType !== 'US') return lutType
  if (modality === 'RTDOSE') return str(ds, 'x30040002')
  if (modality === 'PT') return str(ds, 'x00541001')
  if (rescaleType && rescaleType !== 'US') return rescaleType
  return modality === 'CT' ? 'HU' : ''
}

/** Reads and sanity-checks the attributes of frame `frame`. Throws on missing or impossible geometry. */
export function readImageAttributes(ds: DataSet, frame: number): ImageAttributes {
  const rows = ds.uint16('x00280010') ?? 0
  const columns = ds.uint16('x00280011') ?? 0
  const bitsAllocated = ds.uint16('x00280100') ?? 0
  if (rows === 0 || columns === 0 || bitsAllocated === 0) {
    throw new ImageIoError('image/dicom-malformed', { detail: { reason: 'Rows, Columns or Bits Allocated missing' } })
  }
  const samplesPerPixel = ds.uint16('x00280002') ?? 1
  const bitsStored = Math.min(ds.uint16('x00280101') ?? bitsAllocated, bitsAllocated)
  const pixelRepresentation = ds.uint16('x00280103') === 1 ? 1 : 0
  const modality = str(ds, 'x00080060').toUpperCase()
  const signed = pixelRepresentation === 1
  const rescaleHolder = holderOf(ds, frame, 'x00289145', 'x00281053')
  let slope = rescaleHolder?.floatString('x00281053')
  let intercept = rescaleHolder?.floatString('x00281052')
  const rescaleType = rescaleHolder ? str(rescaleHolder, 'x00281054') : ''
  if (!finite(slope) && modality === 'RTDOSE') slope = ds.floatString('x3004000e')
  if (!finite(slope) || slope === 0) slope = 1
  if (!finite(intercept)) intercept = 0
  const mlutItem = itemsOf(ds, 'x00283000')[0]
  const mlut = mlutItem ? readLut(mlutItem, 'x00283002', 'x00283006', signed, str(mlutItem, 'x00283003')) : undefined
  const mlutType = mlutItem ? str(mlutItem, 'x00283004') : undefined
  const voiHolder = holderOf(ds, frame, 'x00289132', 'x00281050')
  const voiLuts = itemsOf(ds, 'x00283010').flatMap((it) => {
    const lut = readLut(it, 'x00283002', 'x00283006', signed, str(it, 'x00283003'))
    return lut ? [lut] : []
  })
  const photometric = str(ds, 'x00280004').toUpperCase() || (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')
  const palette = photometric === 'PALETTE COLOR' ? readPalette(ds) : undefined
  return {
    rows, columns, samplesPerPixel, bitsAllocated, bitsStored,
    highBit: Math.min(ds.uint16('x00280102') ?? bitsStored - 1, bitsAllocated - 1),
    pixelRepresentation,
    photometric,
    planarConfiguration: ds.uint16('x00280006') === 1 ? 1 : 0,
    numberOfFrames: Math.max(1, ds.intString('x00280008') ?? 1),
    modality,
    rescale: { slope, intercept, type: rescaleType },
    ...(mlut ? { modalityLut: { ...mlut, type: mlutType ?? '' } } : {}),
    windows: readWindows(voiHolder),
    voiFunction: parseVoiFunction(voiHolder?.string('x00281056')),
    voiLuts,
    ...(palette ? { palette } : {}),
    hasSegmentedPalette: Boolean(ds.elements.x00281221),
    ...spreadSpacing(readSpacing(ds, frame, modality)),
    unit: unitOf(ds, modality, rescaleType, mlutType),
  }
}

function spreadSpacing(s: PixelSpacingMm | undefined): { pixelSpacing?: PixelSpacingMm } {
  return s ? { pixelSpacing: s } : {}
}

function readPalette(ds: DataSet): ImageAttributes['palette'] {
  // Palette indices are unsigned by definition of PALETTE COLOR, whatever Pixel Representation says.
  const red = readLut(ds, 'x00281101', 'x00281201', false)
  const green = readLut(ds, 'x00281102', 'x00281202', false)
  const blue = readLut(ds, 'x00281103', 'x00281203', false)
  return red && green && blue ? { red, green, blue } : undefined
}
