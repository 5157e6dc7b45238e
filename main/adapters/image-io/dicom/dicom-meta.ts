/**
 * Metadata split in two (STYLE.md §1.7, §2.6): an allow-list of technical attributes that is safe to log,
 * show and export, and the identifying attributes, which go into a PhiRecord that redacts itself.
 * Anything not listed in either is simply not read: new tags cannot leak by default.
 */
import type { DataSet } from 'dicom-parser'
import { PhiRecord, type PhiKeyword } from '../../../core/image/phi'
import type { ScanMeta } from '../../../core/image/scan-types'
import type { ImageAttributes } from './dicom-attributes'
import type { DicomLayout } from './dicom-parse'
import type { TransferSyntax } from './transfer-syntax'

/** Identifying attributes (keyword → tag). Dates and UIDs are included: they re-identify through the PACS. */
const PHI_TAGS: readonly (readonly [PhiKeyword, string])[] = [
  ['PatientName', 'x00100010'], ['PatientID', 'x00100020'], ['OtherPatientIDs', 'x00101000'],
  ['PatientBirthDate', 'x00100030'], ['PatientSex', 'x00100040'], ['PatientAge', 'x00101010'],
  ['PatientAddress', 'x00101040'], ['AccessionNumber', 'x00080050'], ['StudyID', 'x00200010'],
  ['StudyDate', 'x00080020'], ['StudyTime', 'x00080030'], ['SeriesDate', 'x00080021'],
  ['AcquisitionDate', 'x00080022'], ['ContentDate', 'x00080023'], ['StudyDescription', 'x00081030'],
  ['SeriesDescription', 'x0008103e'], ['InstitutionName', 'x00080080'], ['InstitutionAddress', 'x00080081'],
  ['ReferringPhysicianName', 'x00080090'], ['PerformingPhysicianName', 'x00081050'], ['OperatorsName', 'x00081070'],
  ['StationName', 'x00081010'], ['DeviceSerialNumber', 'x00181000'], ['StudyInstanceUID', 'x0020000d'],
  ['SeriesInstanceUID', 'x0020000e'], ['SOPInstanceUID', 'x00080018'],
]

/**
 * Technical free-text attributes that are allowed (keyword → tag). Manufacturer and model do not identify a
 * patient. BurnedInAnnotation (0028,0301) says whether the *pixels* carry identifying text: the export reads it
 * to refuse such sources unless the user confirms (docs/EXPORT.md, Privacy); its value YES/NO identifies no one.
 */
const ALLOWED_TEXT: readonly (readonly [string, string])[] = [
  ['SOPClassUID', 'x00080016'], ['Manufacturer', 'x00080070'], ['ManufacturerModelName', 'x00081090'],
  ['BodyPartExamined', 'x00180015'], ['ImageType', 'x00080008'], ['LossyImageCompression', 'x00282110'],
  ['LossyImageCompressionMethod', 'x00282114'], ['SliceThickness', 'x00180050'], ['ViewPosition', 'x00185101'],
  ['BurnedInAnnotation', 'x00280301'],
]

/** BurnedInAnnotation as the export wants it: 'YES' / 'NO', or undefined when absent or not one of those. */
export function burnedInAnnotation(meta: ScanMeta): 'YES' | 'NO' | undefined {
  const v = meta.BurnedInAnnotation
  if (typeof v !== 'string') return undefined
  const t = v.trim().toUpperCase()
  return t === 'YES' || t === 'NO' ? t : undefined
}

function text(ds: DataSet, tag: string): string | undefined {
  const el = ds.elements[tag]
  if (!el || el.length === 0 || el.items) return undefined
  // Multi-valued strings keep their backslashes, as DICOM writes them.
  const n = ds.numStringValues(tag) ?? 1
  const v = Array.from({ length: n }, (_, i) => ds.string(tag, i) ?? '').join('\\').replace(/\0/g, '').trim()
  return v === '' ? undefined : v
}

/** Identifying attributes present in the file, wrapped so they never serialise. */
export function extractPhi(ds: DataSet): PhiRecord {
  const values: Partial<Record<PhiKeyword, string>> = {}
  for (const [keyword, tag] of PHI_TAGS) {
    const v = text(ds, tag)
    if (v !== undefined) values[keyword] = v
  }
  return new PhiRecord(values)
}

/** The allow-listed, PHI-free metadata of a DICOM scan. */
export function buildMeta(ds: DataSet, a: ImageAttributes, ts: TransferSyntax, layout: DicomLayout, hasFileMeta: boolean): ScanMeta {
  const meta: Record<string, string | number | boolean> = {
    modality: a.modality || 'unknown',
    transferSyntax: ts.name,
    transferSyntaxUid: ts.uid,
    lossyTransferSyntax: ts.lossy,
    fileLayout: layout,
    hasFileMeta,
    rows: a.rows,
    columns: a.columns,
    frames: a.numberOfFrames,
    samplesPerPixel: a.samplesPerPixel,
    photometric: a.photometric,
    bitsAllocated: a.bitsAllocated,
    bitsStored: a.bitsStored,
    highBit: a.highBit,
    pixelRepresentation: a.pixelRepresentation === 1 ? 'signed' : 'unsigned',
    planarConfiguration: a.planarConfiguration,
    rescaleSlope: a.rescale.slope,
    rescaleIntercept: a.rescale.intercept,
    modalityLut: a.modalityLut ? 'sequence' : 'rescale',
    voiFunction: a.voiFunction,
    fileWindows: a.windows.length,
    fileVoiLuts: a.voiLuts.length,
  }
  if (a.windows[0]) {
    meta.windowCenter = a.windows[0].window.center
    meta.windowWidth = a.windows[0].window.width
  }
  if (a.pixelSpacing) {
    meta.pixelSpacingRowMm = a.pixelSpacing.row
    meta.pixelSpacingColumnMm = a.pixelSpacing.column
    meta.pixelSpacingSource = a.pixelSpacing.source
  }
  if (a.unit) meta.unit = a.unit
  for (const [keyword, tag] of ALLOWED_TEXT) {
    const v = text(ds, tag)
    if (v !== undefined) meta[keyword] = v
  }
  return meta
}
