/**
 * SVG figure: the picture and the heat bitmap embedded as PNG data URIs (two layers, as in the viewer, so
 * an editor can still change the opacity), the patch grid, pin, colour bars and every label as vector
 * elements, and the provenance JSON in <metadata>. Also builds the text-only layer that the PNG and DICOM
 * encoders burn in, so all formats set the same words at the same places.
 */
import { colormapLut } from '../../core/ui/colormaps'
import type { FigureSpec } from '../../core/export/figure'
import type { FigureLayout, TextItem } from '../../core/export/layout'
import type { ColorBarScene, PanelScene } from '../../core/scene/panel-scene'

/** XML namespace of the provenance element (a URN: the app is offline and resolves nothing). */
export const PROVENANCE_NS = 'urn:mamba-lens:provenance:1'
const FONT = "DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif"

/** Escapes text content (quotes stay readable: the provenance JSON is easier to copy out of the file). */
export function xmlEscape(s: string): string {
  // Characters XML 1.0 forbids (C0 controls except tab/newline/CR) are dropped rather than escaped.
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Escapes an attribute value (double-quoted). */
export function xmlAttr(s: string): string {
  return xmlEscape(s).replace(/"/g, '&quot;')
}

const n = (v: number): string => String(Math.round(v * 100) / 100)

function textElement(t: TextItem): string {
  return `<text x="${n(t.x)}" y="${n(t.y)}" font-size="${n(t.size)}" font-family="${FONT}"${t.weight === 'bold' ? ' font-weight="bold"' : ''}` +
    `${t.anchor === 'start' ? '' : ` text-anchor="${t.anchor}"`} fill="${t.fill}" data-role="${t.role}">${xmlEscape(t.text)}</text>`
}

/** A transparent SVG with only the labels, at the layout's size (burned into PNG and DICOM pixels). */
export function svgTextLayer(layout: FigureLayout): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">` +
    `${layout.texts.map(textElement).join('')}</svg>`
}

/** PNG bytes (base64) the SVG embeds for one panel. */
export interface SvgPanelAssets {
  /** The picture under the overlay, any resolution (it is stretched to the panel). */
  readonly pictureBase64: string
  /** The heat bitmap (RGBA, heatmap resolution) as the viewer builds it; null when the scene has no heat. */
  readonly heatBase64: string | null
}

function colourBar(id: string, x: number, y: number, w: number, h: number, bar: ColorBarScene): string {
  const lut = colormapLut(bar.colormap)
  const stops: string[] = []
  // Every 8th entry plus the last: the tables are piecewise linear between these knots (main/core/ui/colormaps.ts).
  for (let k = 0; k <= 256; k += 8) {
    const i = Math.min(255, k)
    const hex = [0, 1, 2].map((c) => lut[i * 3 + c]!.toString(16).padStart(2, '0')).join('')
    stops.push(`<stop offset="${n(i / 255)}" stop-color="#${hex}"/>`)
  }
  let out = `<linearGradient id="${id}" x1="0" y1="0" x2="1" y2="0">${stops.join('')}</linearGradient>` +
    `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="url(#${id})" data-role="colorbar"/>`
  const t = bar.threshold01
  if (t > 0) {
    out += `<rect x="${n(x)}" y="${n(y)}" width="${n(t * w)}" height="${n(h)}" fill="#ffffff" fill-opacity="0.6"/>` +
      `<rect x="${n(x + Math.min(w - 1, t * w))}" y="${n(y)}" width="1" height="${n(h)}" fill="#000000"/>`
  }
  return `${out}<rect x="${n(x + 0.5)}" y="${n(y + 0.5)}" width="${n(w - 1)}" height="${n(h - 1)}" fill="none" stroke="#888888" stroke-width="1"/>`
}

/** The grid lines of a scene in panel coordinates (x, y: panel origin; kx, ky: panel px per picture px). */
function gridPath(grid: NonNullable<PanelScene['grid']>, x: number, y: number, kx: number, ky: number): string {
  const { rect: crop, rows, cols } = grid
  const d: string[] = []
  for (let c = 0; c <= cols; c++) {
    const gx = x + (crop.x + (c * crop.width) / cols) * kx
    d.push(`M${n(gx)} ${n(y + crop.y * ky)}V${n(y + (crop.y + crop.height) * ky)}`)
  }
  for (let r = 0; r <= rows; r++) {
    const gy = y + (crop.y + (r * crop.height) / rows) * ky
    d.push(`M${n(x + crop.x * kx)} ${n(gy)}H${n(x + (crop.x + crop.width) * kx)}`)
  }
  return `<path d="${d.join('')}" fill="none" stroke="${grid.colour}" stroke-opacity="${n(grid.alpha)}" stroke-width="1" data-role="grid"/>`
}

/** The SVG document at the 1× layout: each panel's scene (core/scene/panel-scene.ts); `assets` holds one entry per panel. */
export function buildSvg(spec: FigureSpec, layout: FigureLayout, assets: readonly SvgPanelAssets[]): string {
  const parts: string[] = []
  spec.panels.forEach(({ methodId, scene }, i) => {
    const pl = layout.panels[i]
    const a = assets[i]
    if (pl === undefined || a === undefined) return
    const { x, y, width, height } = pl.image
    const kx = width / scene.picture.width
    const ky = height / scene.picture.height
    const clip = `panel-${i}`
    parts.push(`<g data-method="${xmlAttr(methodId)}"><clipPath id="${clip}"><rect x="${x}" y="${y}" width="${width}" height="${height}"/></clipPath>`,
      `<g clip-path="url(#${clip})">`,
      `<image x="${x}" y="${y}" width="${width}" height="${height}" preserveAspectRatio="none" href="data:image/png;base64,${a.pictureBase64}" data-role="picture"/>`)
    const h = scene.heat
    if (h !== null && a.heatBase64 !== null) {
      const r = h.rect
      parts.push(`<image x="${n(x + r.x * kx)}" y="${n(y + r.y * ky)}" width="${n(r.width * kx)}" height="${n(r.height * ky)}" preserveAspectRatio="none" opacity="${n(h.opacity01)}"` +
        `${h.smooth ? '' : ' style="image-rendering:pixelated"'} href="data:image/png;base64,${a.heatBase64}" data-role="heat"/>`)
    }
    if (scene.grid !== null) parts.push(gridPath(scene.grid, x, y, kx, ky))
    if (scene.pin !== null) {
      const r = scene.pin.rect
      parts.push(`<rect x="${n(x + r.x * kx + 1)}" y="${n(y + r.y * ky + 1)}" width="${n(r.width * kx - 2)}" height="${n(r.height * ky - 2)}" fill="none" stroke="${scene.pin.colour}" stroke-width="2" data-role="pin"/>`)
    }
    const sb = pl.scaleBar
    parts.push('</g>', scene.colorBar === null ? '' : colourBar(`colorbar-${i}`, pl.colorBar.x, pl.colorBar.y, pl.colorBar.width, pl.colorBar.height, scene.colorBar),
      sb === undefined ? '' : `<rect x="${n(sb.x)}" y="${n(sb.y)}" width="${n(sb.width)}" height="${n(sb.height)}" fill="#111111" data-role="scale-bar"/>`, '</g>')
  })
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ml="${PROVENANCE_NS}" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">` +
    `<title>${xmlEscape(spec.title)}</title><desc>${xmlEscape(spec.caption)}</desc>` +
    `<metadata><ml:provenance schema="${spec.provenance.schema}">${xmlEscape(spec.provenanceJson)}</ml:provenance></metadata>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${parts.join('')}<g data-role="labels">${layout.texts.map(textElement).join('')}</g></svg>\n`
}
