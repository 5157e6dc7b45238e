/**
 * The DICOM Secondary Capture (SOP Class 1.2.840.10008.5.1.4.1.1.7) dataset of a figure, as dcmjs
 * "naturalized" attributes (keyword → value). Built from scratch, attribute by attribute, instead of
 * copying the source dataset and deleting: nothing can come along that is not listed here. Patient and
 * study attributes the IOD requires (Type 2) are present and empty, as the PS3.15 basic profile asks
 * (Z); provenance goes into attributes we author ourselves. Pure: the adapter encodes it with dcmjs.
 */
import { AppError } from '../errors'
import type { Rgb8Image } from '../image/types'
import { scanText, type PhiFinding, type PhiNeedle } from './privacy'
import { provenanceSummary, toAscii, type FigureProvenance } from './provenance'
import { checkBasicProfile, type NaturalValue, type ProfileAllowance } from './ps315'
import { COPIED_IDENTIFIERS, sourceStudyAttributes, type SourceStudy } from './sc-source'

/** Secondary Capture Image Storage. */
export const SC_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.7'
/** Explicit VR Little Endian. */
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1'
/**
 * Implementation Class UID of Mamba Lens: '2.25.' + a UUID fixed once for the application (PS3.7 D.3.3.2
 * wants one per implementation, not per file).
 */
export const IMPLEMENTATION_CLASS_UID = '2.25.218962512876429356416530358329823645281'
/** PS3.16 CID 7050 code for the basic profile. */
export const BASIC_PROFILE_CODE = { CodeValue: '113100', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Basic Application Confidentiality Profile' } as const

/** Inputs of {@link scDataset}. */
export interface ScInputs {
  /** The burned-in figure (overlay, colour bar and labels), RGB8. */
  readonly figure: Rgb8Image
  readonly provenance: FigureProvenance
  /** Canonical provenance JSON (goes into ImageComments). */
  readonly provenanceJson: string
  readonly uids: { readonly study: string; readonly series: string; readonly instance: string }
  /** 'ML-…' when the user opted in; PatientID stays empty otherwise. */
  readonly linkageId: string | null
  /** Opt-in (sc-source.ts): file the SC into this source study, with its identifiers; absent = de-identified. */
  readonly source?: SourceStudy | null
}

/** Limits of the value representations used (PS3.5 Table 6.2-1), in characters. */
const LO = 64
const ST = 1024
const LT = 10240

const cut = (s: string, n: number): string => (s.length <= n ? s : s.slice(0, n))

/** Naturalized File Meta Information for the SC. */
export function scFileMeta(sopInstanceUid: string, appVersion: string): Record<string, unknown> {
  return {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SC_SOP_CLASS_UID,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LE,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    // SH, 16 characters.
    ImplementationVersionName: cut(`MAMBALENS_${appVersion}`.replace(/[^A-Za-z0-9._]/g, '_'), 16),
    _vrMap: { FileMetaInformationVersion: 'OB' },
  }
}

/** Naturalized SC dataset of a figure. */
export function scDataset(inputs: ScInputs): Record<string, unknown> {
  const { figure, provenance: p } = inputs
  if (inputs.provenanceJson.length > LT) throw new RangeError('provenance JSON longer than an LT value')
  const pixels = new Uint8Array(figure.data.length + (figure.data.length % 2))
  pixels.set(figure.data) // OB values have even length; the pad byte is zero (PS3.5 7.1.1).
  const methods = p.methods.map((m) => m.id).join('+')
  const derivation = cut(toAscii(
    `Saliency overlay (${methods}, class ${p.target.index}) burned in by ${p.app.name} ${p.app.version} with model ${p.model.name} ` +
    `sha256 ${p.model.sha256}; input sha256 ${p.input.sha256}. ${provenanceSummary(p).slice(3).join(' ')}`), ST)
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['DERIVED', 'SECONDARY'],
    SOPClassUID: SC_SOP_CLASS_UID,
    SOPInstanceUID: inputs.uids.instance,
    ...(inputs.source != null ? sourceStudyAttributes(inputs.source) : {
      // Patient and study: Type 2 in the SC IOD, so present and empty (basic profile Z), in a new study.
      PatientName: '',
      PatientID: inputs.linkageId ?? '',
      PatientBirthDate: '',
      PatientSex: '',
      PatientIdentityRemoved: 'YES',
      DeidentificationMethod: cut(`${p.privacy.profile}`, LO),
      DeidentificationMethodCodeSequence: [{ ...BASIC_PROFILE_CODE }],
      StudyInstanceUID: inputs.uids.study,
      StudyDate: '',
      StudyTime: '',
      ReferringPhysicianName: '',
      StudyID: '',
      AccessionNumber: '',
    }),
    Modality: 'OT',
    SeriesInstanceUID: inputs.uids.series,
    SeriesNumber: 1,
    Manufacturer: 'Mamba Lens',
    // The "device" that made these pixels is the classifier: its name here lets PACS users find figures by model.
    ManufacturerModelName: cut(toAscii(p.model.name), LO),
    SoftwareVersions: [cut(`Mamba Lens ${p.app.version}`, LO), cut(`model sha256 ${p.model.sha256}`, LO)],
    ConversionType: 'WSD',
    SecondaryCaptureDeviceManufacturer: 'Mamba Lens',
    SecondaryCaptureDeviceManufacturerModelName: 'Mamba Lens',
    SecondaryCaptureDeviceSoftwareVersions: cut(p.app.version, LO),
    InstanceNumber: 1,
    PatientOrientation: '',
    BurnedInAnnotation: 'YES',
    ContentLabel: 'SALIENCY',
    ContentDescription: cut(toAscii(`Saliency overlay: ${methods}, class ${p.target.index}`), LO),
    DerivationDescription: derivation,
    ImageComments: inputs.provenanceJson,
    LossyImageCompression: '00',
    SamplesPerPixel: 3,
    PhotometricInterpretation: 'RGB',
    PlanarConfiguration: 0,
    Rows: figure.height,
    Columns: figure.width,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OB' },
  }
}

/** Every string value of a naturalized dataset (nested sequences included), with its keyword. */
export function datasetStrings(ds: Readonly<Record<string, unknown>>, prefix = ''): { keyword: string; text: string }[] {
  const out: { keyword: string; text: string }[] = []
  for (const [k, v] of Object.entries(ds)) {
    if (k.startsWith('_')) continue
    const key = prefix === '' ? k : `${prefix}.${k}`
    const values: readonly unknown[] = Array.isArray(v) ? v : [v]
    for (const item of values) {
      if (typeof item === 'string' || typeof item === 'number') out.push({ keyword: key, text: String(item) })
      else if (item !== null && typeof item === 'object' && !(item instanceof ArrayBuffer) && !ArrayBuffer.isView(item)) {
        out.push(...datasetStrings(item as Record<string, unknown>, key))
      }
    }
  }
  return out
}

const COPIED: ReadonlySet<string> = new Set(COPIED_IDENTIFIERS)

/**
 * Preflight of the SC dataset: the basic-profile check (ps315.ts) plus a search of every string value for
 * the source's identifying values. Throws `export/phi-detected`; the detail names keywords only. With
 * `filedToSource` (the user's explicit opt-in), the copied patient/study attributes and the Source Image
 * Sequence are meant to identify; every other attribute, our own texts included, is held to the same rules.
 */
export function assertScDeidentified(ds: Readonly<Record<string, unknown>>, needles: readonly PhiNeedle[], allow: ProfileAllowance,
  filedToSource = false): void {
  const expected = (keyword: string): boolean => filedToSource && (COPIED.has(keyword) || keyword.startsWith('SourceImageSequence'))
  const violations = checkBasicProfile(ds as Readonly<Record<string, NaturalValue>>, allow).filter((v) => !expected(v.keyword))
  const findings: PhiFinding[] = []
  for (const { keyword, text } of datasetStrings(ds)) {
    if (expected(keyword)) continue
    for (const hit of scanText(text, needles)) findings.push({ where: `dicom:${keyword}`, keyword: hit })
  }
  if (violations.length > 0 || findings.length > 0) throw new AppError('export/phi-detected', { detail: { violations, findings } })
}
