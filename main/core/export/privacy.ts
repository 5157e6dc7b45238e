/**
 * Privacy preflight of an export (issue: "no patient name/ID/birth date/etc. in file names, metadata,
 * captions or DICOM attributes"). Everything a figure will carry as text is listed first and searched
 * for the values of the source's PhiRecord; one hit refuses the whole export before a byte is written.
 * The check is by value, not by field name: a patient name typed into the caption is caught as well as
 * one that leaked into a label. Findings name the attribute keyword and where it was found, never the value.
 */
import { AppError } from '../errors'
import type { PhiKeyword, PhiRecord } from '../image/phi'

/** One identifying value to look for, already normalised (see {@link normaliseForMatch}). */
export interface PhiNeedle {
  readonly keyword: PhiKeyword
  readonly pattern: string
}

/** A piece of text the export will write, with a label saying where (e.g. 'caption', 'png:iTXt'). */
export interface TextItemToCheck {
  readonly where: string
  readonly text: string
}

/** A hit: which attribute's value appeared where. Safe to log and show. */
export interface PhiFinding {
  readonly where: string
  readonly keyword: PhiKeyword
}

// Values with fewer letters/digits match too much by chance (sex 'M', study ID '1', a description 'e+1');
// they do not identify on their own.
const MIN_NEEDLE_ALNUM = 3
// Attributes whose values are too generic to search for (sex is one letter; times are short digit runs
// that collide with pixel sizes and probabilities).
const SKIPPED: ReadonlySet<PhiKeyword> = new Set<PhiKeyword>(['PatientSex', 'StudyTime'])
const PERSON_NAMES: ReadonlySet<PhiKeyword> = new Set<PhiKeyword>([
  'PatientName', 'ReferringPhysicianName', 'PerformingPhysicianName', 'OperatorsName',
])
const DATES: ReadonlySet<PhiKeyword> = new Set<PhiKeyword>([
  'PatientBirthDate', 'StudyDate', 'SeriesDate', 'AcquisitionDate', 'ContentDate',
])

/**
 * Lower case, diacritics removed, every run of non-alphanumerics turned into one space, padded with
 * spaces: matching `' ' + needle + ' '` is then a whole-token match ("Ann" does not hit "annotation",
 * and a numeric ID does not hit the middle of a hex hash).
 */
export function normaliseForMatch(s: string): string {
  const t = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
  return ` ${t} `
}

function dateVariants(v: string): string[] {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim())
  if (m === null) return [v]
  const [, y, mo, d] = m as unknown as [string, string, string, string]
  // DA as stored, ISO, and the two common day/month orders (any separator normalises to a space).
  return [v, `${y} ${mo} ${d}`, `${d} ${mo} ${y}`, `${mo} ${d} ${y}`]
}

/** The needles of a PhiRecord: whole values, plus each name component of person names and date spellings. */
export function phiNeedles(phi: PhiRecord | undefined): PhiNeedle[] {
  if (phi === undefined) return []
  const out: PhiNeedle[] = []
  const seen = new Set<string>()
  const add = (keyword: PhiKeyword, raw: string): void => {
    const pattern = normaliseForMatch(raw).trim()
    if (pattern.replace(/ /g, '').length < MIN_NEEDLE_ALNUM || seen.has(`${keyword}|${pattern}`)) return
    seen.add(`${keyword}|${pattern}`)
    out.push({ keyword, pattern })
  }
  const values = phi.reveal()
  for (const key of Object.keys(values) as PhiKeyword[]) {
    const value = values[key]
    if (value === undefined || SKIPPED.has(key)) continue
    // Multi-valued attributes (OtherPatientIDs, several physicians) are backslash-separated.
    for (const v of value.split('\\')) {
      add(key, v)
      // Person names: Family^Given^Middle^Prefix^Suffix; any component can identify on its own.
      if (PERSON_NAMES.has(key)) for (const part of v.split(/[\^=]/)) add(key, part)
      if (DATES.has(key)) for (const d of dateVariants(v)) add(key, d)
    }
  }
  return out
}

/**
 * Runs of one-letter tokens joined up: "J o h n  D o e", "D.O.E." and "d-o-e" normalise to "j o h n d o e"
 * / "d o e", which no whole-token needle matches. Letter spacing loses the word boundary too, so a needle is
 * looked for anywhere inside such a run. Letters only: runs of single digits are common in generated text
 * (scale ticks, "0.5 1 2") and would make numeric IDs match by chance.
 */
function spacedOutRuns(hay: string): string[] {
  const runs: string[] = []
  let run = ''
  for (const token of [...hay.trim().split(' '), '']) {
    if (/^\p{L}$/u.test(token)) {
      run += token
      continue
    }
    if ([...run].length >= MIN_NEEDLE_ALNUM) runs.push(run)
    run = ''
  }
  return runs
}

/**
 * Keywords whose values occur in `text` (deduplicated, in needle order). Invisible format characters
 * (zero-width space/joiner, soft hyphen) are dropped first, so they cannot split a name into tokens.
 */
export function scanText(text: string, needles: readonly PhiNeedle[]): PhiKeyword[] {
  if (needles.length === 0 || text.length === 0) return []
  const hay = normaliseForMatch(text.replace(/[\p{Cf}\u00ad]/gu, ''))
  const runs = spacedOutRuns(hay)
  const hits: PhiKeyword[] = []
  for (const n of needles) {
    const found = hay.includes(` ${n.pattern} `) || runs.some((r) => r.includes(n.pattern.replace(/ /g, '')))
    if (found && !hits.includes(n.keyword)) hits.push(n.keyword)
  }
  return hits
}

/** Every finding over a list of texts. */
export function findPhi(items: readonly TextItemToCheck[], needles: readonly PhiNeedle[]): PhiFinding[] {
  const out: PhiFinding[] = []
  for (const item of items) for (const keyword of scanText(item.text, needles)) out.push({ where: item.where, keyword })
  return out
}

/** Throws `export/phi-detected` when any item carries an identifying value; the detail lists keywords only. */
export function assertNoPhi(items: readonly TextItemToCheck[], needles: readonly PhiNeedle[]): void {
  const findings = findPhi(items, needles)
  if (findings.length > 0) throw new AppError('export/phi-detected', { detail: { findings } })
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i
const MAX_STEM = 80

/**
 * A file-name stem safe on Windows, macOS and Linux: no folders (anything up to the last slash or
 * backslash is dropped, so a stem cannot climb out of the chosen folder), ASCII letters, digits, '.', '_'
 * and '-' only, no leading dot (hidden files), not a reserved device name, at most 80 characters.
 */
export function sanitiseFileStem(input: string): string {
  const base = input.split(/[\\/]/).pop() ?? ''
  let s = base.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9._-]+/g, '-')
  s = s.replace(/-{2,}/g, '-').replace(/^[.-]+/, '').replace(/[.-]+$/, '').slice(0, MAX_STEM)
  if (s === '') return 'figure'
  return WINDOWS_RESERVED.test(s.split('.')[0] ?? '') ? `figure-${s}` : s
}

/**
 * The default stem: input hash prefix, method ids and the explained class (index and the card's label,
 * shortened), so two figures of one image for two classes say which is which (issue 15: they were told apart
 * only by `-3` / `-4`). Never the source file name: DICOM and scanner file names often are the patient's
 * name or ID; class labels come from the model card.
 */
export function defaultFileStem(inputSha256: string, methodIds: readonly string[], target: { readonly index: number; readonly label: string }): string {
  // '_' between methods: ids are kebab-case, so '-' would not show where one ends.
  const methods = methodIds.length > 3 ? `${methodIds.slice(0, 3).join('_')}_${methodIds.length - 3}more` : methodIds.join('_')
  const label = target.label.trim() === '' || target.label === `class ${target.index}` ? '' : `-${target.label.slice(0, 24)}`
  return sanitiseFileStem(`ml-${inputSha256.slice(0, 12)}-${methods}-class${target.index}${label}`)
}
