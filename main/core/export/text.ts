/**
 * The words on a figure: header, panel titles, colour-bar ticks, caption and footer. Built only from
 * the model card, the engine result and the view settings (plus the user's own caption), so nothing
 * identifying can enter here except through that caption, which the preflight scans.
 */
import { colorBarTicks, formatValue, type ValueRange } from '../ui/heatmap-image'
import { RESEARCH_ONLY } from '../trust/report'
import { describeVerdict } from '../trust/verdict'
import type { FigureProvenance } from './provenance'
import type { DisplayNote } from './types'

const pct = (v01: number): string => `${Math.round(v01 * 100)}%`

/** "layers 15–23", or the method defaults when no range was chosen. */
export function layerText(range: FigureProvenance['view']['layerRange']): string {
  return range === null ? 'default layers' : `layers ${range.start}–${range.end}`
}

/** Non-breaking space: keeps "p = 0.934" on one line when the layout wraps. */
export const NBSP = '\u00a0'

/** "p = 0.934" (non-breaking), or '' when the class was not among the returned scores. */
export function probabilityText(p: number | null): string {
  return p === null ? '' : `p${NBSP}=${NBSP}${p.toFixed(3)}`
}

/** "Display window W 400, L 40 HU (inverted) · pixel 0.70 × 0.70 mm": how a grey scan was shown. */
export function displayText(d: DisplayNote): string {
  const unit = d.unit === '' ? '' : ` ${d.unit}`
  const spacing = d.pixelSpacingMm === null ? '' : ` · pixel ${d.pixelSpacingMm.row.toFixed(2)} × ${d.pixelSpacingMm.column.toFixed(2)} mm`
  return `Display window W${NBSP}${Math.round(d.windowWidth)}, L${NBSP}${Math.round(d.windowCenter)}${unit}${d.invert ? ' (inverted)' : ''}${spacing}`
}

/**
 * Header lines: model and explained class first (what the figure is about), then the verdict at the card's
 * operating point and the trust label of each map, then how it was made and a scan's display window, then
 * the research-use line.
 */
export function headerLines(p: FigureProvenance, display?: DisplayNote): string[] {
  const prob = probabilityText(p.target.probability)
  const trust = p.methods.filter((m) => m.trust !== undefined).map((m) => `${p.methods.length > 1 ? `${m.label}: ` : ''}trust ${m.trust!.label.toUpperCase()} — ${m.trust!.reason}`)
  const lines = [
    `${p.model.name} · explained class “${p.target.label}”${prob === '' ? '' : ` (${prob})`}`,
    ...(p.verdict !== undefined ? [`Verdict: ${describeVerdict(p.verdict)}`] : []),
    ...trust,
    `${layerText(p.view.layerRange)} · ${p.executionProvider.toUpperCase()} · ${p.view.mode === 'model' ? 'model input (what the model saw)' : 'input image'}`,
  ]
  // "What the model saw" is the model input, not the displayed window: the window would not describe it.
  if (display !== undefined && p.view.mode !== 'model') lines.push(displayText(display))
  lines.push(RESEARCH_ONLY)
  return lines
}

/**
 * Panel title: the method's label, flagged when the map is flat (every patch equal, spec §5.11) or nearly flat
 * (its colours then exaggerate differences of a few per cent).
 */
export function panelTitle(label: string, degenerate: boolean, nearlyFlat = false): string {
  return degenerate ? `${label} (flat map)` : nearlyFlat ? `${label} (nearly flat map)` : label
}

/** Tick labels under a colour bar: min, (quartiles,) max of the map in the method's own units. */
export function tickLabels(range: ValueRange, count: number): string[] {
  return colorBarTicks(range, count).map(formatValue)
}

/**
 * The pinned patch as the app names it: 1-based, row-major (the screen and the figure agree; issue 15 found
 * the figure 0-based). The provenance JSON keeps the 0-based index, as an array index.
 */
export function pinnedPatchText(p: { readonly index: number; readonly row: number; readonly col: number }): string {
  return `pinned patch ${p.index + 1} (row ${p.row + 1}, column ${p.col + 1})`
}

/**
 * The name under a colour bar: what its values are. Every method's map is a relevance in its own arbitrary
 * units (min-max per map), so the bar says so rather than suggest a probability or a physical unit.
 */
export function colorBarName(): string {
  return 'relevance, arbitrary units'
}

/** The generated caption, then the user's text. One paragraph; the layout wraps it. */
export function captionText(p: FigureProvenance, userCaption: string | undefined): string {
  const labels = p.methods.map((m) => m.label)
  const what = labels.length === 1 ? `${labels[0]} relevance` : `Relevance by ${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`
  const prob = probabilityText(p.target.probability)
  const hidden = p.view.threshold > 0 ? `, values below ${pct(p.view.threshold)} of each map's range hidden` : ''
  const marks = [p.view.contour ? 'iso-lines instead of a filled map' : '', p.view.patchGrid ? 'patch grid shown' : '',
    p.view.pinnedPatch === null ? '' : `${pinnedPatchText(p.view.pinnedPatch)} outlined`]
    .filter((s) => s !== '')
  const generated =
    `${what} for class “${p.target.label}”${prob === '' ? '' : ` (${prob})`} of ${p.model.name}, ${layerText(p.view.layerRange)}, ` +
    `over the ${p.view.mode === 'model' ? 'model input' : 'input image'}. Colormap ${p.view.colormap} at ${pct(p.view.opacity)} opacity${hidden}` +
    `${marks.length > 0 ? `; ${marks.join('; ')}` : ''}. ${scaleSentence(p)}`
  const user = (userCaption ?? '').replace(/[ \t\r\n]+/g, ' ').trim()
  return user === '' ? generated : `${generated} ${user}`
}

/** The colour scale in words (issue 13 item 4: the scale mode stated in the legend). */
export function scaleSentence(p: FigureProvenance): string {
  return p.normalisation.heatmap === 'shared min-max'
    ? 'All colour bars share one scale: each map divided by its mean |relevance| (1 = an average patch), minimum to maximum over the maps shown, so colours can be compared.'
    : p.methods.length > 1
      ? 'Each colour bar spans its own map\'s minimum to maximum: colours are not comparable between panels.'
      : 'The colour bar spans the map\'s minimum to maximum.'
}

/** Footer: the reproducibility keys in short form (full values are in the embedded provenance). */
export function footerText(p: FigureProvenance): string {
  return `Mamba Lens ${p.app.version} · model sha256 ${p.model.sha256.slice(0, 12)}… · input sha256 ${p.input.sha256.slice(0, 12)}… · ${p.createdAt} · provenance embedded`
}

/**
 * Greedy word wrap by character count (the core has no font metrics; the layout sizes lines with a
 * conservative average glyph width instead). Words longer than a line are split.
 */
export function wrapText(text: string, maxChars: number): string[] {
  const limit = Math.max(8, Math.floor(maxChars))
  const lines: string[] = []
  let line = ''
  // Split on ordinary white space only; \s would also break at non-breaking spaces.
  for (const raw of text.split(/[ \t\r\n]+/).filter((w) => w !== '')) {
    let word = raw
    while (word.length > limit) {
      if (line !== '') lines.push(line)
      lines.push(word.slice(0, limit))
      word = word.slice(limit)
      line = ''
    }
    if (line === '') line = word
    else if (line.length + 1 + word.length <= limit) line = `${line} ${word}`
    else {
      lines.push(line)
      line = word
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

/** Shortens to `maxChars`, ending in '…' when cut. */
export function ellipsize(text: string, maxChars: number): string {
  const n = Math.max(2, Math.floor(maxChars))
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`
}
