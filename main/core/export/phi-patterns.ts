/**
 * Patient details by their shape, for texts that have no identifying record to compare with (issue 15: a
 * caption "Patient Maria Silva, DOB 1970-01-01, MRN 12345" was burned into a PNG figure without a warning,
 * while the same caption on a DICOM was refused by value). Checks the texts a user types or names (captions,
 * file names) for dates, record numbers and introduced person names. Generated texts are not passed here:
 * they carry the export's own date and hashes by design. Findings name the kind, never the matched text.
 */

/** What kind of identifier a text looks like it carries. */
export type PhiPatternKind = 'date' | 'record-number' | 'person-name'

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?'

const DATE_PATTERNS: readonly RegExp[] = [
  // ISO and year-first: 1970-01-01, 1970/1/1, 1970.01.01
  /(?<![\d.])(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?![\d.])/,
  // Day or month first: 01/02/1970, 1.2.70
  /(?<![\d.])(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:(?:19|20)\d{2}|\d{2})(?![\d.])/,
  // DICOM DA as written in file names and headers: 19700101
  /(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)/,
  // 1 Jan 1970, Jan 1, 1970
  new RegExp(`\\b\\d{1,2}\\s*${MONTH}\\s*(?:19|20)?\\d{2}\\b`, 'i'),
  new RegExp(`\\b${MONTH}\\s+\\d{1,2},?\\s+(?:19|20)\\d{2}\\b`, 'i'),
  // A birth date introduced as such, whatever follows.
  /\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born)\b/i,
]

const RECORD_PATTERNS: readonly RegExp[] = [
  // An identifier introduced by its name: MRN 12345, Patient ID: AB-1234, Accession #998877, NHS no 943 476 5919
  /\b(?:mrn|mr\s?no|medical record|record|patient\s?id|pat\.?\s?id|pid|id|accession|acc|nhs|ssn|hospital\s?(?:no|number)|chart|case)\b\s*(?:no\.?|number|nr\.?|#)?\s*[:#=]?\s*[A-Za-z]{0,3}[-\s]?\d{3,}/i,
  // A long bare digit run (6 or more) is more likely an identifier than a measurement.
  /(?<![\d.,])\d{6,}(?![\d.,])/,
]

/** `word` matching either case letter by letter (the name after it must stay case-sensitive: capitalised). */
const anyCase = (word: string): string => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`)
const PERSON_MARKERS = ['patient', 'pt', 'name', 'surname', 'first name', 'last name', 'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof']

// A capitalised word introduced as a person: "Patient Maria Silva", "Name: Silva", "Mrs Silva", "Dr. House".
const NAME_PATTERNS: readonly RegExp[] = [
  new RegExp(`\\b(?:${PERSON_MARKERS.map(anyCase).join('|')})\\b\\.?\\s*[:,-]?\\s*\\p{Lu}[\\p{Ll}'’-]+`, 'u'),
  // DICOM person-name notation in free text: Silva^Maria
  /\p{L}{2,}\^\p{L}{2,}/u,
]

/** The kinds of identifier `text` looks like it carries (each kind once, in a fixed order). */
export function findPhiPatterns(text: string): PhiPatternKind[] {
  const t = text.normalize('NFKC')
  const out: PhiPatternKind[] = []
  if (DATE_PATTERNS.some((p) => p.test(t))) out.push('date')
  if (RECORD_PATTERNS.some((p) => p.test(t))) out.push('record-number')
  if (NAME_PATTERNS.some((p) => p.test(t))) out.push('person-name')
  return out
}
