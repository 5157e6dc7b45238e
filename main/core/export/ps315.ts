/**
 * DICOM PS3.15 Annex E, Table E.1-1 (Basic Application Level Confidentiality Profile), the attributes
 * a Secondary Capture written by this app could plausibly carry, with their basic-profile action:
 * D = replace with a dummy, Z = empty (or dummy), X = remove, U = replace UID consistently. Where the
 * table gives a compound action (X/Z, Z/D, X/Z/D …) the strictest one the IOD allows is listed.
 * The SC is built from scratch (sc-spec.ts) rather than by editing the source, so this list is the
 * *check* that nothing identifying slipped in, not the mechanism. Tags are verified against dcmjs's
 * dictionary in test/main/core/export/ps315.test.ts.
 */

/** A basic-profile action code. */
export type ProfileAction = 'D' | 'Z' | 'X' | 'U'

/** One row: keyword as in PS3.6, tag 'ggggeeee', action. */
export interface ProfileEntry {
  readonly keyword: string
  readonly tag: string
  readonly action: ProfileAction
}

const rows: readonly (readonly [string, string, ProfileAction])[] = [
  ['InstanceCreationDate', '00080012', 'X'], ['InstanceCreationTime', '00080013', 'X'],
  ['InstanceCreatorUID', '00080014', 'U'], ['SOPInstanceUID', '00080018', 'U'],
  ['StudyDate', '00080020', 'Z'], ['SeriesDate', '00080021', 'X'], ['AcquisitionDate', '00080022', 'X'],
  ['ContentDate', '00080023', 'Z'], ['AcquisitionDateTime', '0008002A', 'X'], ['StudyTime', '00080030', 'Z'],
  ['SeriesTime', '00080031', 'X'], ['AcquisitionTime', '00080032', 'X'], ['ContentTime', '00080033', 'Z'],
  ['AccessionNumber', '00080050', 'Z'], ['InstitutionName', '00080080', 'X'], ['InstitutionAddress', '00080081', 'X'],
  ['InstitutionCodeSequence', '00080082', 'X'], ['ReferringPhysicianName', '00080090', 'Z'],
  ['ReferringPhysicianAddress', '00080092', 'X'], ['ReferringPhysicianTelephoneNumbers', '00080094', 'X'],
  ['ReferringPhysicianIdentificationSequence', '00080096', 'X'], ['TimezoneOffsetFromUTC', '00080201', 'X'],
  ['StationName', '00081010', 'X'], ['StudyDescription', '00081030', 'X'], ['SeriesDescription', '0008103E', 'X'],
  ['InstitutionalDepartmentName', '00081040', 'X'], ['PhysiciansOfRecord', '00081048', 'X'],
  ['PerformingPhysicianName', '00081050', 'X'], ['NameOfPhysiciansReadingStudy', '00081060', 'X'],
  ['OperatorsName', '00081070', 'X'], ['AdmittingDiagnosesDescription', '00081080', 'X'],
  ['ReferencedStudySequence', '00081110', 'X'], ['ReferencedPerformedProcedureStepSequence', '00081111', 'X'],
  ['ReferencedPatientSequence', '00081120', 'X'], ['ReferencedImageSequence', '00081140', 'X'],
  ['ReferencedSOPInstanceUID', '00081155', 'U'], ['DerivationDescription', '00082111', 'X'],
  ['SourceImageSequence', '00082112', 'X'],
  ['PatientName', '00100010', 'Z'], ['PatientID', '00100020', 'Z'], ['IssuerOfPatientID', '00100021', 'X'],
  ['PatientBirthDate', '00100030', 'Z'], ['PatientBirthTime', '00100032', 'X'],
  ['PatientInsurancePlanCodeSequence', '00100050', 'X'], ['PatientSex', '00100040', 'Z'],
  ['OtherPatientIDs', '00101000', 'X'], ['OtherPatientNames', '00101001', 'X'],
  ['OtherPatientIDsSequence', '00101002', 'X'], ['PatientBirthName', '00101005', 'X'], ['PatientAge', '00101010', 'X'],
  ['PatientSize', '00101020', 'X'], ['PatientWeight', '00101030', 'X'], ['PatientAddress', '00101040', 'X'],
  ['PatientMotherBirthName', '00101060', 'X'], ['MilitaryRank', '00101080', 'X'], ['BranchOfService', '00101081', 'X'],
  ['MedicalRecordLocator', '00101090', 'X'], ['MedicalAlerts', '00102000', 'X'], ['Allergies', '00102110', 'X'],
  ['CountryOfResidence', '00102150', 'X'], ['RegionOfResidence', '00102152', 'X'],
  ['PatientTelephoneNumbers', '00102154', 'X'], ['EthnicGroup', '00102160', 'X'], ['Occupation', '00102180', 'X'],
  ['SmokingStatus', '001021A0', 'X'], ['AdditionalPatientHistory', '001021B0', 'X'], ['PregnancyStatus', '001021C0', 'X'],
  ['PatientReligiousPreference', '001021F0', 'X'], ['PatientSexNeutered', '00102203', 'X'],
  ['PatientComments', '00104000', 'X'],
  ['DeviceSerialNumber', '00181000', 'X'], ['DeviceUID', '00181002', 'U'], ['PlateID', '00181004', 'X'],
  ['GeneratorID', '00181005', 'X'], ['CassetteID', '00181007', 'X'], ['GantryID', '00181008', 'X'],
  ['DateOfSecondaryCapture', '00181012', 'X'], ['TimeOfSecondaryCapture', '00181014', 'X'],
  ['ProtocolName', '00181030', 'X'], ['AcquisitionComments', '00184000', 'X'], ['DetectorID', '0018700A', 'X'],
  ['StudyInstanceUID', '0020000D', 'U'], ['SeriesInstanceUID', '0020000E', 'U'], ['StudyID', '00200010', 'Z'],
  ['FrameOfReferenceUID', '00200052', 'U'], ['SynchronizationFrameOfReferenceUID', '00200200', 'U'],
  ['ImageComments', '00204000', 'X'], ['ConcatenationUID', '00209161', 'U'], ['DimensionOrganizationUID', '00209164', 'U'],
  ['LargePaletteColorLookupTableUID', '00281214', 'U'],
  ['RequestingPhysician', '00321032', 'X'], ['RequestedProcedureDescription', '00321060', 'X'],
  ['StudyComments', '00324000', 'X'], ['AdmissionID', '00380010', 'X'], ['CurrentPatientLocation', '00380300', 'X'],
  ['PatientInstitutionResidence', '00380400', 'X'], ['PerformedStationAETitle', '00400241', 'X'],
  ['PerformedStationName', '00400242', 'X'], ['PerformedLocation', '00400243', 'X'],
  ['PerformedProcedureStepStartDate', '00400244', 'X'], ['PerformedProcedureStepStartTime', '00400245', 'X'],
  ['PerformedProcedureStepID', '00400253', 'X'], ['PerformedProcedureStepDescription', '00400254', 'X'],
  ['RequestAttributesSequence', '00400275', 'X'], ['RequestedProcedureID', '00401001', 'X'],
  ['PlacerOrderNumberImagingServiceRequest', '00402016', 'Z'], ['FillerOrderNumberImagingServiceRequest', '00402017', 'Z'],
  ['UID', '0040A124', 'U'], ['ContentSequence', '0040A730', 'X'], ['StorageMediaFileSetUID', '00880140', 'U'],
  ['OriginalAttributesSequence', '04000561', 'X'],
]

/** The basic-profile rows, in tag order of the table above. */
export const BASIC_PROFILE: readonly ProfileEntry[] = rows.map(([keyword, tag, action]) => ({ keyword, tag, action }))

/**
 * Attributes of the basic profile that the exporter *authors* (with content it generated and then
 * scanned for patient values), so a value there is expected: the profile's X removes these from
 * source data because free text from a modality may identify, which does not apply to our own text.
 */
export const AUTHORED_TEXT: ReadonlySet<string> = new Set(['ImageComments', 'DerivationDescription'])

/** A dataset value in dcmjs "naturalized" form, as far as the check needs to look at it. */
export type NaturalValue = string | number | readonly unknown[] | ArrayBuffer | Readonly<Record<string, unknown>> | null | undefined

/** True for an absent or zero-length value (what Z and X leave behind). */
export function isEmptyValue(v: NaturalValue): boolean {
  if (v === undefined || v === null || v === '') return true
  if (Array.isArray(v)) return v.length === 0 || v.every((x) => x === '' || x === null || x === undefined)
  return false
}

/** Why an attribute of the SC fails the profile check. */
export interface ProfileViolation {
  readonly keyword: string
  readonly reason: 'not-empty' | 'uid-not-new' | 'patient-id-not-linkage'
}

/** What the check allows beyond empty values. */
export interface ProfileAllowance {
  /** UIDs the exporter generated for this object (every U attribute must be one of them). */
  readonly newUids: ReadonlySet<string>
  /** The hashed linkage ID when the user opted in; PatientID may then carry exactly this. */
  readonly linkageId: string | null
}

/**
 * Checks a naturalized dataset against {@link BASIC_PROFILE}: Z/X/D attributes must be empty (except
 * {@link AUTHORED_TEXT} and an opted-in linkage PatientID), U attributes must hold a freshly generated UID.
 */
export function checkBasicProfile(dataset: Readonly<Record<string, NaturalValue>>, allow: ProfileAllowance): ProfileViolation[] {
  const out: ProfileViolation[] = []
  for (const { keyword, action } of BASIC_PROFILE) {
    const v = dataset[keyword]
    if (isEmptyValue(v) || AUTHORED_TEXT.has(keyword)) continue
    if (action === 'U') {
      if (typeof v !== 'string' || !allow.newUids.has(v)) out.push({ keyword, reason: 'uid-not-new' })
    } else if (keyword === 'PatientID') {
      if (allow.linkageId === null || v !== allow.linkageId) out.push({ keyword, reason: 'patient-id-not-linkage' })
    } else {
      out.push({ keyword, reason: 'not-empty' })
    }
  }
  return out
}

/**
 * A UID under the '2.25' arc from a UUID (PS3.5 B.2: the UUID's 128 bits as one decimal integer).
 * Leading zeros are not allowed in a UID component; BigInt's decimal form never has them.
 */
export function uidFromUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '').toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new RangeError('uidFromUuid: not a UUID')
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`
}

/**
 * The UIDs of one SC: a root from a random UUID, then `.1` study, `.2` series, `.3` instance. One root per
 * export keeps the three related (they share a prefix) without any registry or counter. Max length is
 * 5 + 39 + 2 = 46 characters, inside the 64 allowed.
 */
export function scUids(uuid: string): { readonly root: string; readonly study: string; readonly series: string; readonly instance: string } {
  const root = uidFromUuid(uuid)
  return { root, study: `${root}.1`, series: `${root}.2`, instance: `${root}.3` }
}
