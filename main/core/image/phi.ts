/**
 * Identifying attributes (PHI) kept apart from everything else a loader returns (STYLE.md §2.6).
 * The values live in a private field: JSON.stringify, template strings and Node's util.inspect (which
 * console.log and most loggers use) all see "[PHI redacted]", so a scan object logged by mistake leaks
 * nothing. Only `reveal()` — called when the user asks to see patient details — returns them.
 */

const REDACTED = '[PHI redacted]'
// Node's util.inspect looks this symbol up on objects; Symbol.for keeps core free of `node:util`.
const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/** Labels of the identifying attributes a loader may put into a PhiRecord (DICOM keyword style). */
export const PHI_KEYWORDS = [
  'PatientName', 'PatientID', 'OtherPatientIDs', 'PatientBirthDate', 'PatientSex', 'PatientAge', 'PatientAddress',
  'AccessionNumber', 'StudyID', 'StudyDate', 'StudyTime', 'SeriesDate', 'AcquisitionDate', 'ContentDate',
  'StudyDescription', 'SeriesDescription', 'InstitutionName', 'InstitutionAddress', 'ReferringPhysicianName',
  'PerformingPhysicianName', 'OperatorsName', 'StationName', 'DeviceSerialNumber', 'StudyInstanceUID',
  'SeriesInstanceUID', 'SOPInstanceUID', 'NIfTI description',
] as const

export type PhiKeyword = (typeof PHI_KEYWORDS)[number]

/** Holder of identifying attributes that refuses to serialise them. */
export class PhiRecord {
  readonly #values: Readonly<Partial<Record<PhiKeyword, string>>>

  constructor(values: Partial<Record<PhiKeyword, string>> = {}) {
    // Copy and freeze: later mutation of the caller's object must not change what was recorded.
    this.#values = Object.freeze({ ...values })
  }

  /** Number of identifying attributes present (safe to show: "3 identifying fields hidden"). */
  get count(): number {
    return Object.keys(this.#values).length
  }

  /** The identifying attributes. Call only on an explicit user request; never log the result. */
  reveal(): Readonly<Partial<Record<PhiKeyword, string>>> {
    return this.#values
  }

  toJSON(): string {
    return REDACTED
  }

  toString(): string {
    return REDACTED
  }

  [INSPECT](): string {
    return REDACTED
  }
}
