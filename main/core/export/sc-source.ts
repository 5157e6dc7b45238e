/**
 * Opt-in filing of the Secondary Capture back into the source study (issue 15, docs/EXPORT.md "DICOM SC").
 * By default the SC is de-identified and lives in a study of its own (sc-spec.ts). When the user explicitly
 * asks for it — and only for a DICOM source — the SC instead carries the source's patient and study
 * identifiers and Study Instance UID, so a PACS files it next to the images it explains, and names the
 * source image in its Source Image Sequence (PS3.3 C.7.6.1, General Image module). Its Series and SOP
 * Instance UIDs stay new. Only the SC changes: PNG, SVG, PDF and the provenance stay de-identified.
 */
import { AppError } from '../errors'
import type { FigureRequest } from './types'

/** Patient and study attributes copied from the source (PS3.3 Patient and General Study modules, Type 2 there). */
export const COPIED_IDENTIFIERS = [
  'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex',
  'StudyInstanceUID', 'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'StudyID', 'AccessionNumber',
] as const
export type CopiedIdentifier = (typeof COPIED_IDENTIFIERS)[number]

/** DCM 121322 (PS3.16 CID 7202): why the SC references the source image. */
export const SOURCE_IMAGE_PURPOSE = {
  CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation',
} as const

/** What the SC needs to join the source study and point at the source image. */
export interface SourceStudy {
  /** The copied attributes ('' where the source has none: they are Type 2). */
  readonly identifiers: Readonly<Record<CopiedIdentifier, string>>
  readonly image: {
    readonly sopClassUid: string
    readonly sopInstanceUid: string
    /** 1-based frame of a multi-frame source that the figure shows; null for single-frame sources. */
    readonly frameNumber: number | null
  }
}

const invalid = (reason: string): AppError => new AppError('export/invalid-request', { detail: { reason } })

/**
 * The source study of a DICOM request. Throws `export/invalid-request` for other sources, or when the file
 * lacks the UIDs a reference needs (the SC would then be filed nowhere the user expects).
 */
export function sourceStudyOf(req: FigureRequest): SourceStudy {
  if (req.source.kind !== 'dicom') throw invalid('filing into the source study needs a DICOM source')
  const phi = req.source.phi?.reveal() ?? {}
  const sopClassUid = req.source.meta?.SOPClassUID
  const { StudyInstanceUID: study, SOPInstanceUID: instance } = phi
  if (study === undefined || instance === undefined || typeof sopClassUid !== 'string' || sopClassUid === '') {
    throw invalid('the source has no Study Instance UID, SOP Instance UID or SOP Class UID to reference')
  }
  const identifiers = Object.fromEntries(COPIED_IDENTIFIERS.map((k) => [k, phi[k] ?? ''])) as Record<CopiedIdentifier, string>
  const frames = Number(req.source.meta?.frames ?? 1)
  const frameIndex = Number(req.inputMapping?.frameIndex ?? 0)
  return {
    identifiers,
    image: { sopClassUid, sopInstanceUid: instance, frameNumber: frames > 1 ? frameIndex + 1 : null },
  }
}

/** The SC's patient, study and reference attributes for {@link SourceStudy} (naturalized, for sc-spec.ts). */
export function sourceStudyAttributes(s: SourceStudy): Record<string, unknown> {
  return {
    ...s.identifiers,
    PatientIdentityRemoved: 'NO',
    SourceImageSequence: [{
      ReferencedSOPClassUID: s.image.sopClassUid,
      ReferencedSOPInstanceUID: s.image.sopInstanceUid,
      ...(s.image.frameNumber !== null ? { ReferencedFrameNumber: s.image.frameNumber } : {}),
      PurposeOfReferenceCodeSequence: [{ ...SOURCE_IMAGE_PURPOSE }],
    }],
  }
}
