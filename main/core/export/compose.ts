/**
 * Raster backend of the panel scene (core/scene/panel-scene.ts) for figures (everything but the text): white
 * page, one image panel per method with the heat overlay, patch grid and pinned-patch outline, a colour bar
 * under each panel and a scan's scale bar.
 *
 * The viewer draws the same scene with Konva (renderer/src/canvas/konva-painter.ts): it colours the map with
 * `heatmapToRgba` (main/core/ui/heatmap-image.ts, threshold and contour included), draws that RGBA bitmap over
 * the model crop with canvas smoothing (off for contours) and applies the opacity as the node's alpha. We do
 * the same steps here on typed arrays, with the app's one colormap table (main/core/ui/colormaps.ts). The CLI's overlay PNGs use this path too (one
 * compose path); with no threshold, no contour and the identity frame it is bit-identical to the plain
 * reference blend of the tests (test/main/core/export/reference-overlay.ts).
 */
import type { Rgb8Image } from '../image/types'
import type { ColorBarScene, GridMark, HeatLayer, PanelScene } from '../scene/panel-scene'
import { colormapLut } from '../ui/colormaps'
import { heatmapToRgba } from '../ui/heatmap-image'
import type { FigureSpec } from './figure'
import type { FigureLayout, Rect } from './layout'
import { blankImage, blendRect, paste, resizeRgb, strokeRect, type Rgb } from './raster'

const WHITE: Rgb = [255, 255, 255]
const BAR_EDGE: Rgb = [136, 136, 136]
const SCALE_BAR: Rgb = [17, 17, 17]

/** '#ffd400' → [255, 212, 0] (the scene's mark colours are CSS hex, as Konva and SVG take them). */
function rgbOf(hex: string): Rgb {
  const v = Number.parseInt(hex.slice(1, 7), 16)
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255]
}

/** The heat bitmap of a scene exactly as the viewer builds it (RGBA at heatmap resolution). */
export function heatLayer(heat: Pick<HeatLayer, 'values' | 'width' | 'height' | 'range' | 'colormap' | 'threshold01' | 'contour'>): Uint8ClampedArray {
  return heatmapToRgba(heat.values, heat.width, heat.height, heat.range, {
    colormap: heat.colormap, threshold01: heat.threshold01, contour: heat.contour,
  })
}

/**
 * The image with the heat bitmap drawn over the frame's crop at `opacity01`, at the image's own resolution
 * ("the viewer at zoom 1"). Sampling follows canvas `drawImage`: pixel centres, edges clamped, bilinear on
 * premultiplied alpha when `smooth`, nearest otherwise. Pixels outside the crop keep the image.
 */
export function renderView(image: Rgb8Image, heat: Uint8ClampedArray, heatWidth: number, heatHeight: number,
  crop: Rect, opacity01: number, smooth: boolean): Rgb8Image {
  const alpha = Math.min(1, Math.max(0, Number.isFinite(opacity01) ? opacity01 : 0))
  const out = image.data.slice()
  const sx = heatWidth / crop.width
  const sy = heatHeight / crop.height
  const x0 = Math.max(0, Math.ceil(crop.x - 0.5))
  const y0 = Math.max(0, Math.ceil(crop.y - 0.5))
  const x1 = Math.min(image.width, Math.ceil(crop.x + crop.width - 0.5))
  const y1 = Math.min(image.height, Math.ceil(crop.y + crop.height - 0.5))
  const px = [0, 0, 0]
  for (let y = y0; y < y1; y++) {
    const v = (y + 0.5 - crop.y) * sy - 0.5
    for (let x = x0; x < x1; x++) {
      const u = (x + 0.5 - crop.x) * sx - 0.5
      const a = smooth ? sampleBilinear(heat, heatWidth, heatHeight, u, v, px) : sampleNearest(heat, heatWidth, heatHeight, u, v, px)
      if (a === 0) continue
      const k = alpha * a
      const o = (y * image.width + x) * 3
      // Same expression order as composeOverlay: (1 − α)·image + α·colour, so the plain case is bit-identical.
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(image.data[o + c]! * (1 - k) + alpha * px[c]!)
    }
  }
  return { width: image.width, height: image.height, data: out }
}

/** Premultiplied bilinear sample: writes colour·alpha into `px`, returns alpha (0…1). Allocation-free (per pixel). */
function sampleBilinear(rgba: Uint8ClampedArray, w: number, h: number, u: number, v: number, px: number[]): number {
  const xa = Math.max(0, Math.min(w - 1, Math.floor(u)))
  const ya = Math.max(0, Math.min(h - 1, Math.floor(v)))
  const xb = Math.min(w - 1, xa + 1)
  const yb = Math.min(h - 1, ya + 1)
  const tx = Math.max(0, Math.min(1, u - xa))
  const ty = Math.max(0, Math.min(1, v - ya))
  px[0] = px[1] = px[2] = 0
  let a = 0
  a += tap(rgba, ya * w + xa, (1 - tx) * (1 - ty), px)
  a += tap(rgba, ya * w + xb, tx * (1 - ty), px)
  a += tap(rgba, yb * w + xa, (1 - tx) * ty, px)
  a += tap(rgba, yb * w + xb, tx * ty, px)
  return a
}

function tap(rgba: Uint8ClampedArray, i: number, weight: number, px: number[]): number {
  // A zero weight must add nothing at all (not 0·x), so the identity frame stays bit-exact.
  if (weight === 0) return 0
  const ai = (rgba[i * 4 + 3]! / 255) * weight
  px[0] = px[0]! + rgba[i * 4]! * ai
  px[1] = px[1]! + rgba[i * 4 + 1]! * ai
  px[2] = px[2]! + rgba[i * 4 + 2]! * ai
  return ai
}

function sampleNearest(rgba: Uint8ClampedArray, w: number, h: number, u: number, v: number, px: number[]): number {
  const i = Math.max(0, Math.min(h - 1, Math.round(v))) * w + Math.max(0, Math.min(w - 1, Math.round(u)))
  const a = rgba[i * 4 + 3]! / 255
  for (let c = 0; c < 3; c++) px[c] = rgba[i * 4 + c]! * a
  return a
}

/** Draws a horizontal colour bar: left = map minimum, right = maximum; the hidden part is washed out. */
export function drawColorBar(fig: Rgb8Image, r: Rect, bar: Pick<ColorBarScene, 'colormap' | 'threshold01'>, scale: number): void {
  const { threshold01 } = bar
  const lut = colormapLut(bar.colormap)
  for (let x = 0; x < r.width; x++) {
    const k = Math.round((r.width > 1 ? x / (r.width - 1) : 0) * 255) * 3
    for (let y = 0; y < r.height; y++) {
      const o = ((r.y + y) * fig.width + r.x + x) * 3
      fig.data[o] = lut[k]!
      fig.data[o + 1] = lut[k + 1]!
      fig.data[o + 2] = lut[k + 2]!
    }
  }
  if (threshold01 > 0) {
    const cut = Math.round(threshold01 * r.width)
    blendRect(fig, { x: r.x, y: r.y, width: cut, height: r.height }, WHITE, 0.6)
    blendRect(fig, { x: r.x + Math.min(r.width - scale, cut), y: r.y, width: scale, height: r.height }, [0, 0, 0], 1)
  }
  strokeRect(fig, r, BAR_EDGE, scale)
}

function intersect(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  return { x, y, width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - x), height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - y) }
}

/** Patch grid over a panel, 1 px per scale step, clipped to the panel (the viewer's 35 % white). */
function drawGrid(fig: Rgb8Image, panel: Rect, picture: Rgb8Image, grid: GridMark, scale: number): void {
  const kx = panel.width / picture.width
  const ky = panel.height / picture.height
  const { rect: crop, rows, cols } = grid
  const colour = rgbOf(grid.colour)
  for (let c = 0; c <= cols; c++) {
    const x = panel.x + (crop.x + (c * crop.width) / cols) * kx
    blendRect(fig, intersect({ x: Math.round(x - scale / 2), y: panel.y + crop.y * ky, width: scale, height: crop.height * ky }, panel), colour, grid.alpha)
  }
  for (let r = 0; r <= rows; r++) {
    const y = panel.y + (crop.y + (r * crop.height) / rows) * ky
    blendRect(fig, intersect({ x: panel.x + crop.x * kx, y: Math.round(y - scale / 2), width: crop.width * kx, height: scale }, panel), colour, grid.alpha)
  }
}

// One view per scene: every format and scale starts from it, and a large scan costs a full-resolution pass.
// Keyed by the scene object, which belongs to exactly one panel of one spec.
const views = new WeakMap<PanelScene, Rgb8Image>()

/** The composed panel image (overlay at panel size, before grid and pin): what the tests compare. */
export function panelImage(scene: PanelScene, target: Rect): Rgb8Image {
  let view = views.get(scene)
  if (view === undefined) {
    const h = scene.heat
    view = h === null ? scene.picture : renderView(scene.picture, heatLayer(h), h.width, h.height, h.rect, h.opacity01, h.smooth)
    views.set(scene, view)
  }
  return resizeRgb(view, target.width, target.height)
}

/** The figure without its text, at the layout's scale. */
export function composeFigure(spec: FigureSpec, layout: FigureLayout): Rgb8Image {
  const fig = blankImage(layout.width, layout.height, WHITE)
  spec.panels.forEach(({ scene }, i) => {
    const pl = layout.panels[i]
    if (pl === undefined) return
    paste(fig, panelImage(scene, pl.image), pl.image.x, pl.image.y)
    if (scene.grid !== null) drawGrid(fig, pl.image, scene.picture, scene.grid, layout.scale)
    if (scene.pin !== null) {
      const r = scene.pin.rect
      const kx = pl.image.width / scene.picture.width
      const ky = pl.image.height / scene.picture.height
      const rect = { x: pl.image.x + r.x * kx, y: pl.image.y + r.y * ky, width: r.width * kx, height: r.height * ky }
      strokeRect(fig, intersect(rect, pl.image), rgbOf(scene.pin.colour), 2 * layout.scale)
    }
    if (scene.colorBar !== null) drawColorBar(fig, pl.colorBar, scene.colorBar, layout.scale)
    if (pl.scaleBar !== undefined) blendRect(fig, pl.scaleBar, SCALE_BAR, 1)
  })
  return fig
}
