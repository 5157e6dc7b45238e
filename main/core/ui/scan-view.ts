/**
 * Pure UI maths for medical scans (issue "Medical scans"): window/level from a right-drag, the millimetre
 * scale bar, the pixel readout and the model-input mapping in words, and anatomical plane names.
 * Shared by the renderer (through `@core/ui/scan-view`) and tests; no DOM, no Node.
 */

/** A VOI window in modality units. */
export interface WindowCW {
  readonly center: number
  readonly width: number
}

/**
 * Window after a right-drag of (dx, dy) screen px from `start` (cornerstone's WWWC convention: right widens,
 * down raises the level). One pixel moves `span / 600` units, so a drag across a pane sweeps most of the
 * value range whatever the modality (HU for CT, raw counts for MR). Values are rounded to what the span
 * makes meaningful, and the width never collapses to zero.
 */
export function dragWindow(start: WindowCW, dx: number, dy: number, range: { readonly min: number; readonly max: number } | null): WindowCW {
  const span = range !== null && range.max > range.min ? range.max - range.min : Math.max(1, start.width * 4)
  const perPx = span / 600
  const step = span >= 200 ? 1 : span >= 2 ? 0.01 : span / 1000
  const round = (v: number): number => Math.round(v / step) * step
  const minWidth = Math.max(step, span / 1000)
  return { center: round(start.center + dy * perPx), width: Math.max(minWidth, round(start.width + dx * perPx)) }
}

/** A scale bar: a round length in mm and its length on screen. */
export interface ScaleBar {
  readonly mm: number
  readonly px: number
  readonly label: string
}

/**
 * The longest round length (1, 2 or 5 × 10^k mm) whose bar fits in `maxPx` screen px, given the size of one
 * screen pixel in mm; null when even the smallest sensible bar would be shorter than `minPx`.
 */
export function scaleBar(mmPerScreenPx: number, maxPx = 140, minPx = 24): ScaleBar | null {
  if (!(mmPerScreenPx > 0) || !Number.isFinite(mmPerScreenPx)) return null
  const maxMm = maxPx * mmPerScreenPx
  const decade = 10 ** Math.floor(Math.log10(maxMm))
  const mm = [5, 2, 1].map((m) => m * decade).find((m) => m <= maxMm) ?? decade
  const px = mm / mmPerScreenPx
  if (px < minPx) return null
  const label = mm >= 10 ? `${mm >= 100 ? mm / 10 : mm} ${mm >= 100 ? 'cm' : 'mm'}` : `${Number(mm.toPrecision(2))} mm`
  return { mm, px, label }
}

/** A pixel readout as the contract carries it. */
export type PixelValue =
  | { readonly x: number; readonly y: number; readonly kind: 'gray'; readonly value: number; readonly unit: string }
  | { readonly x: number; readonly y: number; readonly kind: 'rgb'; readonly rgb: readonly [number, number, number] }

/** "(x, y): −523 HU" or "(x, y): RGB 12, 200, 31". Grey values keep the precision the data has. */
export function formatPixel(p: PixelValue): string {
  const at = `(${p.x}, ${p.y})`
  if (p.kind === 'rgb') return `${at}: RGB ${p.rgb.join(', ')}`
  const v = Number.isInteger(p.value) || Math.abs(p.value) >= 100 ? String(Math.round(p.value)) : p.value.toPrecision(4)
  return `${at}: ${v.replace('-', '−')}${p.unit === '' ? '' : ` ${p.unit}`}`
}

type Mapping = Readonly<Record<string, string | number | boolean>>

const num = (v: unknown): string => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v))

/** Who fixed the model input, in words (mapping `chosenBy`). */
function chooserNote(m: Mapping): string {
  return m.chosenBy === 'reader'
    ? ' You chose this for the model; the verdict is for this input.'
    : ' Set by the model card; display window, presets and invert do not change it.'
}

/** The model-input record (core/image/model-input.ts `mapping`) in one sentence, plus who chose it. */
export function describeMapping(m: Mapping): string {
  const bits = `${num(m.bits ?? 8)}-bit`
  if (m.voi === 'none') return `Stored colours, ${bits} RGB${m.inverted === true ? ', inverted' : ''}.${chooserNote(m)}`
  const window = `C ${num(m.windowCenter)}, W ${num(m.windowWidth)}`
  const what = m.source === 'full-range' ? `Full value range (${window})`
    : m.source === 'file' ? (m.voi === 'lut' ? `The file's own VOI LUT (${num(m.presetId)})` : `The file's own window ${window}`)
      : m.voi === 'lut' ? `VOI LUT (${num(m.presetId)})` : `Window ${window}`
  const grey = m.grayReplicated === true ? ', grey copied to 3 channels' : ''
  return `${what} → ${bits}${grey}${m.inverted === true ? ', inverted' : ''}.${chooserNote(m)}`
}

/** Anatomical plane of a slice cut across the voxel axis whose direction code is `code` (R/L, A/P, S/I). */
export function planeName(code: string | undefined): string {
  if (code === 'S' || code === 'I') return 'axial'
  if (code === 'A' || code === 'P') return 'coronal'
  if (code === 'R' || code === 'L') return 'sagittal'
  return 'unknown plane'
}
