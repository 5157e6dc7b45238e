/**
 * Figure layout: where the image panels, colour bars and every label go, in pixels of the figure at a
 * given integer scale. Pure geometry shared by every encoder (the raster composition, the SVG, the PDF
 * and the burned-in DICOM), so the formats cannot drift apart. Text never overlaps an image panel or a
 * colour bar: the overlay-fidelity tests compare those regions pixel by pixel.
 */
import { scaleBar } from '../ui/scan-view'
import { ellipsize, wrapText } from './text'

/** An axis-aligned rectangle in figure pixels. */
export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** What a text item is (encoders may style by role; tests find items by it). */
export type TextRole = 'header' | 'title' | 'tick' | 'bar-name' | 'scale-bar' | 'caption' | 'footer'

/** One line of text; `y` is the baseline. */
export interface TextItem {
  readonly text: string
  readonly x: number
  readonly y: number
  readonly size: number
  readonly weight: 'normal' | 'bold'
  readonly anchor: 'start' | 'middle' | 'end'
  readonly fill: string
  readonly role: TextRole
}

/** One image panel and its colour bar. */
export interface PanelLayout {
  readonly image: Rect
  readonly colorBar: Rect
  /** A scan's scale bar (a round length in mm), under the colour bar's name; absent without a pixel spacing. */
  readonly scaleBar?: Rect
}

/** The whole figure at one scale. */
export interface FigureLayout {
  readonly width: number
  readonly height: number
  readonly scale: number
  readonly panels: readonly PanelLayout[]
  readonly texts: readonly TextItem[]
}

/** Inputs of {@link layoutFigure}: sizes and already-built strings (text.ts). */
export interface LayoutInput {
  /** Size of the picture under the overlay (display image or model input). */
  readonly imageWidth: number
  readonly imageHeight: number
  /** Warnings drawn first, bold, in the alert colour (the out-of-domain banner). */
  readonly alert?: readonly string[]
  readonly header: readonly string[]
  /** One title and one tick-label list per panel (side-by-side: several). */
  readonly panelTitles: readonly string[]
  readonly panelTicks: readonly (readonly string[])[]
  /** The name of each panel's colour bar (what its values are), centred under its ticks. */
  readonly barNames: readonly string[]
  /** Millimetres per picture pixel (a scan's column spacing, shown as the picture): draws a scale bar. */
  readonly mmPerImagePx?: number
  readonly caption: string
  readonly footer: string
}

// Metrics at 1×, in px. Average glyph width is taken as 0.62 em: DejaVu Sans (the usual fallback for
// 'sans-serif' on Linux) is one of the widest common faces, so lines sized for it fit the others too.
const M = 16
const GAP = 16
const GLYPH_EM = 0.62
const MIN_INNER = 320
const PANEL_MIN = 224
const PANEL_MAX = 512
const H1 = 15
const H2 = 12
const TITLE = 13
const BAR = 12
const TICK = 10
const CAPTION = 11
const FOOTER = 9
const INK = '#111111'
const MUTED = '#555555'
const ALERT = '#b00020'

/**
 * Panel size at 1×: the picture's longest edge brought into [224, 512] px. A 224 model input or a
 * 512 image is shown at its own resolution (pixel-exact at 1×); large scans are reduced, small ones enlarged.
 */
export function panelSize(imageWidth: number, imageHeight: number): { width: number; height: number } {
  const longest = Math.max(1, imageWidth, imageHeight)
  const k = Math.min(PANEL_MAX, Math.max(PANEL_MIN, longest)) / longest
  return { width: Math.max(1, Math.round(imageWidth * k)), height: Math.max(1, Math.round(imageHeight * k)) }
}

/** Ticks per colour bar: five when there is room for five labels, else min / middle / max. */
export function tickCount(panelWidth: number): number {
  return panelWidth >= 400 ? 5 : 3
}

const charsFor = (widthPx: number, size: number): number => Math.floor(widthPx / (GLYPH_EM * size))

/** Lays out the figure at integer `scale` (1 = 1×, 2 = 2×). Everything scales, so 2× is 1× doubled. */
export function layoutFigure(input: LayoutInput, scale: number): FigureLayout {
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError('layoutFigure: scale must be a positive integer')
  const s = scale
  const n = Math.max(1, input.panelTitles.length)
  const panel = panelSize(input.imageWidth, input.imageHeight)
  const content = n * panel.width + (n - 1) * GAP
  const inner = Math.max(content, MIN_INNER)
  const width = inner + 2 * M
  const texts: TextItem[] = []
  const text = (t: string, x: number, y: number, size: number, role: TextRole, o: Partial<Pick<TextItem, 'weight' | 'anchor' | 'fill'>> = {}): void => {
    texts.push({ text: t, x: x * s, y: y * s, size: size * s, role, weight: o.weight ?? 'normal', anchor: o.anchor ?? 'start', fill: o.fill ?? INK })
  }

  let y = M
  for (const line of input.alert ?? []) {
    for (const l of wrapText(line, charsFor(inner, H1))) {
      text(l, M, y + H1, H1, 'header', { weight: 'bold', fill: ALERT })
      y += Math.round(H1 * 1.35)
    }
  }
  input.header.forEach((line, i) => {
    const size = i === 0 ? H1 : H2
    for (const l of wrapText(line, charsFor(inner, size))) {
      text(l, M, y + size, size, 'header', { weight: i === 0 ? 'bold' : 'normal', fill: i === 0 ? INK : MUTED })
      y += Math.round(size * 1.35)
    }
  })
  y += 8

  // Panel titles wrap rather than being cut (issue 15: "LRP-gated attention (o…" hid the method); every panel's
  // picture starts below the tallest title, so side-by-side panels stay level.
  const titleLine = Math.round(TITLE * 1.4)
  const titleLines = Array.from({ length: n }, (_, i) => wrapText(input.panelTitles[i] ?? '', charsFor(panel.width, TITLE)))
  const imageTop = y + titleLine * Math.max(1, ...titleLines.map((l) => l.length))
  const barTop = imageTop + panel.height + 8
  const tickTop = barTop + BAR + 3
  const nameTop = tickTop + Math.round(TICK * 1.4)
  const scaleTop = nameTop + Math.round(TICK * 1.4) + 4
  // The same bar under every panel: one round length that fits 40 % of a panel's width.
  const bar = input.mmPerImagePx === undefined ? null : scaleBar((input.mmPerImagePx * input.imageWidth) / panel.width, panel.width * 0.4, 16)
  const left0 = M + Math.floor((inner - content) / 2)
  const panels: PanelLayout[] = []
  for (let i = 0; i < n; i++) {
    const x = left0 + i * (panel.width + GAP)
    panels.push({
      image: { x: x * s, y: imageTop * s, width: panel.width * s, height: panel.height * s },
      colorBar: { x: x * s, y: barTop * s, width: panel.width * s, height: BAR * s },
      ...(bar !== null ? { scaleBar: { x: x * s, y: (scaleTop + 4) * s, width: Math.round(bar.px) * s, height: 3 * s } } : {}),
    })
    if (bar !== null) text(`scale: ${bar.label}`, x + Math.round(bar.px) + 6, scaleTop + TICK, TICK, 'scale-bar', { fill: MUTED })
    // Last line's baseline 5 px above the image: descenders (about 0.24 em) stay clear of the picture.
    const lines = titleLines[i]!
    lines.forEach((l, k) => text(l, x, imageTop - 5 - (lines.length - 1 - k) * titleLine, TITLE, 'title', { weight: 'bold' }))
    const ticks = input.panelTicks[i] ?? []
    ticks.forEach((t, k) => {
      const anchor = k === 0 ? 'start' : k === ticks.length - 1 ? 'end' : 'middle'
      const tx = ticks.length === 1 ? x : x + (k * panel.width) / (ticks.length - 1)
      text(t, tx, tickTop + TICK, TICK, 'tick', { anchor, fill: MUTED })
    })
    const name = input.barNames[i] ?? ''
    if (name !== '') text(ellipsize(name, charsFor(panel.width, TICK)), x + panel.width / 2, nameTop + TICK, TICK, 'bar-name', { anchor: 'middle', fill: MUTED })
  }
  y = (bar !== null ? scaleTop : nameTop) + Math.round(TICK * 1.4) + 10

  for (const l of wrapText(input.caption, charsFor(inner, CAPTION))) {
    text(l, M, y + CAPTION, CAPTION, 'caption')
    y += Math.round(CAPTION * 1.4)
  }
  y += 6
  for (const l of wrapText(input.footer, charsFor(inner, FOOTER))) {
    text(l, M, y + FOOTER, FOOTER, 'footer', { fill: MUTED })
    y += Math.round(FOOTER * 1.4)
  }
  const height = y + M
  return { width: width * s, height: height * s, scale: s, panels, texts }
}
