/**
 * The provenance record every exported file carries (PNG iTXt, SVG <metadata>, PDF Info + attachment,
 * DICOM ImageComments, JSON sidecar) and its canonical JSON form. It names the inputs by hash, never by
 * path, and holds no patient attribute: a figure can be reproduced from it (same model file, same input
 * file, same options), but it does not say whose image it was.
 */
import type { ExecutionProvider } from '../engine/api'
import type { MethodTrust } from '../trust/report'
import type { DomainAssessment, Verdict } from '../trust/types'
import type { ValueRange } from '../ui/heatmap-image'

/** Schema id; bump the suffix when a field changes meaning. */
export const PROVENANCE_SCHEMA = 'mamba-lens.figure/1'

/** Name of the basic de-identification profile applied to every export (DICOM PS3.15 Annex E). */
export const DEID_PROFILE = 'DICOM PS3.15 E.1 Basic Application Level Confidentiality Profile'

/** One method of the figure as recorded. */
export interface MethodProvenance {
  readonly id: string
  readonly label: string
  /** Everything needed to re-run it: layer range, target class and any extra parameter. */
  readonly parameters: Readonly<Record<string, string | number | boolean | null>>
  /** Min and max of the map (the colour bar spans exactly this). */
  readonly valueRange: ValueRange
  /** The map was constant (spec §5.11). */
  readonly degenerate: boolean
  /** Trust record of this map (docs/TRUST.md): label, reason, quick deletion check, agreement, evaluated record. */
  readonly trust?: Omit<MethodTrust, 'domain'>
}

/** The provenance object (see docs/EXPORT.md for the field list). */
export interface FigureProvenance {
  readonly schema: typeof PROVENANCE_SCHEMA
  /** ISO 8601 UTC time of the export. */
  readonly createdAt: string
  readonly app: { readonly name: 'Mamba Lens'; readonly version: string }
  readonly model: { readonly id: string; readonly name: string; readonly sha256: string }
  readonly executionProvider: ExecutionProvider
  readonly input: {
    readonly sha256: string
    readonly kind: string
    readonly width: number
    readonly height: number
    /** How the file's pixels became the 8-bit RGB the model saw (window, bits, channels, frame/slice); scans only. */
    readonly mapping?: Readonly<Record<string, string | number | boolean>>
  }
  /** How pixels became the model input (InputTransform) and how maps become colours. */
  readonly normalisation: {
    readonly crop: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
    readonly modelWidth: number
    readonly modelHeight: number
    readonly resize: string
    readonly mean: readonly number[]
    readonly std: readonly number[]
    /** 'shared min-max': side-by-side maps, each relative to its mean |value|, on one range (core/trust/scale.ts). */
    readonly heatmap: 'min-max per map' | 'shared min-max'
  }
  readonly target: { readonly index: number; readonly label: string; readonly probability: number | null }
  /** The decision at the card's operating point; `reliable` false when the input is out of domain. */
  readonly verdict?: Verdict
  /** The domain guard's finding for this input (docs/TRUST.md). */
  readonly domain?: DomainAssessment
  /** "Research use only — not a medical device." */
  readonly intendedUse?: string
  readonly methods: readonly MethodProvenance[]
  readonly view: {
    readonly layout: 'single' | 'side-by-side'
    readonly mode: 'image' | 'model'
    readonly colormap: string
    readonly opacity: number
    readonly threshold: number
    readonly contour: boolean
    readonly patchGrid: boolean
    readonly pinnedPatch: { readonly index: number; readonly row: number; readonly col: number } | null
    readonly layerRange: { readonly start: number; readonly end: number } | null
  }
  readonly privacy: {
    readonly profile: typeof DEID_PROFILE
    /** 'ML-' + hash prefix, only when the user opted in; otherwise null. */
    readonly linkageId: string | null
  }
}

/** JSON values the canonical writer accepts. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined }

function escapeString(s: string): string {
  // JSON.stringify escapes quotes and controls; non-ASCII is escaped too so that the text survives any
  // Latin-1 or ASCII-only carrier (DICOM default repertoire, PDF Info strings) byte for byte.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Canonical JSON: keys sorted by code unit, no whitespace, `undefined` members dropped, non-ASCII escaped.
 * Two equal objects give the same bytes, so the text can be hashed and compared across formats.
 * Non-finite numbers have no JSON form and are refused rather than silently turned into null.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return escapeString(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('canonicalJson: non-finite number')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`
  const obj = value as { readonly [key: string]: JsonValue | undefined }
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
  return `{${keys.map((k) => `${escapeString(k)}:${canonicalJson(obj[k] as JsonValue)}`).join(',')}}`
}

/** The provenance as a JSON value (interfaces are not index-signature types, so this is the one cast). */
export function provenanceJson(p: FigureProvenance): string {
  return canonicalJson(p as unknown as JsonValue)
}

/** Parses and checks the schema id; for readers of exported files (tests, re-import). */
export function parseProvenance(text: string): FigureProvenance {
  const value: unknown = JSON.parse(text)
  if (typeof value !== 'object' || value === null || (value as { schema?: unknown }).schema !== PROVENANCE_SCHEMA) {
    throw new TypeError('not a Mamba Lens figure provenance record')
  }
  return value as FigureProvenance
}

/** A short human-readable summary (PDF page footer, DICOM DerivationDescription). ASCII only. */
export function provenanceSummary(p: FigureProvenance): string[] {
  const fmt = (v: number): string => String(Math.round(v * 1000) / 1000)
  const lines = [
    `Model: ${p.model.name} (id ${p.model.id}), sha256 ${p.model.sha256}`,
    `Input: sha256 ${p.input.sha256} (${p.input.kind}, ${p.input.width}x${p.input.height}); crop ${p.normalisation.crop.x},${p.normalisation.crop.y} ${p.normalisation.crop.width}x${p.normalisation.crop.height} -> ${p.normalisation.modelWidth}x${p.normalisation.modelHeight} (${p.normalisation.resize}), mean [${p.normalisation.mean.map(fmt).join(', ')}], std [${p.normalisation.std.map(fmt).join(', ')}]`,
    ...(p.input.mapping === undefined ? [] : [`Model input: ${Object.keys(p.input.mapping).sort().map((k) => `${k}=${String(p.input.mapping?.[k])}`).join(', ')}`]),
    `Target class: ${p.target.index} "${p.target.label}"${p.target.probability === null ? '' : `, p = ${fmt(p.target.probability)}`}`,
  ]
  if (p.verdict !== undefined) {
    const v = p.verdict
    lines.push(`Verdict: ${v.label}, p = ${fmt(v.probability)}${v.threshold === null ? '' : ` (threshold ${fmt(v.threshold)})`}${v.reliable ? '' : ', UNRELIABLE: input outside the model domain'}`)
  }
  if (p.domain !== undefined) {
    const d = p.domain
    lines.push(`Domain: ${d.inDomain === null ? 'not assessed' : d.inDomain ? 'in domain' : 'OUT OF DOMAIN'}${d.score === null ? '' : `, ${d.scoreName ?? 'score'} ${fmt(d.score)} (threshold ${fmt(d.threshold ?? NaN)})`}${d.reasons.length > 0 ? `; ${d.reasons.join('; ')}` : ''}`)
  }
  for (const m of p.methods) {
    const params = Object.keys(m.parameters).sort().map((k) => `${k}=${String(m.parameters[k])}`).join(', ')
    lines.push(`Method: ${m.id} (${params}); map range ${m.valueRange.min.toPrecision(4)} .. ${m.valueRange.max.toPrecision(4)}${m.degenerate ? ' (flat)' : ''}`)
    if (m.trust !== undefined) lines.push(`Trust (${m.id}): ${m.trust.label.toUpperCase()} - ${m.trust.reason}`)
  }
  if (p.intendedUse !== undefined) lines.push(p.intendedUse)
  lines.push(
    `View: ${p.view.layout}, ${p.view.mode}, colormap ${p.view.colormap}, opacity ${fmt(p.view.opacity)}, threshold ${fmt(p.view.threshold)}${p.view.contour ? ', contour' : ''}${p.view.patchGrid ? ', patch grid' : ''}${p.view.pinnedPatch === null ? '' : `, pinned patch ${p.view.pinnedPatch.index + 1} (row ${p.view.pinnedPatch.row + 1}, column ${p.view.pinnedPatch.col + 1}; 1-based)`}`,
    `App: ${p.app.name} ${p.app.version}, execution provider ${p.executionProvider}, created ${p.createdAt}`,
    `Privacy: ${p.privacy.profile}${p.privacy.linkageId === null ? '' : `; linkage ID ${p.privacy.linkageId}`}`,
  )
  // Class labels and model names may carry any Unicode; the summary goes into ASCII-only carriers.
  return lines.map(toAscii)
}

/** Replaces what is not printable ASCII with '?', after stripping diacritics ("Pékinois" → "Pekinois"). */
export function toAscii(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?')
}
