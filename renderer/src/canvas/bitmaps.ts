/**
 * Canvas bitmaps for the Konva image nodes. The display image is converted once per rendition (cached by
 * object identity); the heatmap bitmap is recoloured only when the map or its look changes, never on
 * opacity (a node property) or pointer moves (STYLE.md §1.8, konva "All Performance Tips").
 */
import type { Rgb8Dto } from '../../../preload/contract'
import type { HeatLayer } from '@core/scene/panel-scene'
import { heatmapToRgba } from '@core/ui/heatmap-image'

const rgbCache = new WeakMap<Rgb8Dto | Uint8Array, HTMLCanvasElement>()

/** RGB8 → canvas (RGBA, opaque). */
export function rgbCanvas(img: Rgb8Dto): HTMLCanvasElement {
  const hit = rgbCache.get(img) ?? rgbCache.get(img.data)
  if (hit !== undefined) return hit
  const canvas = document.createElement('canvas')
  canvas.width = img.width
  canvas.height = img.height
  const ctx = canvas.getContext('2d')
  if (ctx !== null && img.width > 0 && img.height > 0) {
    const out = ctx.createImageData(img.width, img.height)
    const src = img.data
    const dst = out.data
    for (let i = 0, j = 0; i < src.length; i += 3, j += 4) {
      dst[j] = src[i]!
      dst[j + 1] = src[i + 1]!
      dst[j + 2] = src[i + 2]!
      dst[j + 3] = 255
    }
    ctx.putImageData(out, 0, 0)
  }
  // Keyed by the pixel array too: the same pixels arrive wrapped in a new DTO object after re-renders of state.
  rgbCache.set(img, canvas)
  rgbCache.set(img.data, canvas)
  return canvas
}

/** One reusable heatmap canvas per pane: the scene's heat layer coloured as the figure colours it. */
export class HeatmapBitmap {
  readonly canvas: HTMLCanvasElement = document.createElement('canvas')
  private last: { values: Float32Array; range: HeatLayer['range']; colormap: string; threshold01: number; contour: boolean } | null = null
  private buffer: ImageData | null = null

  /** Recolours when the map or its look changed (never for opacity, a node property); true when the pixels changed. */
  update(heat: HeatLayer): boolean {
    const l = this.last
    if (l !== null && l.values === heat.values && l.range.min === heat.range.min && l.range.max === heat.range.max &&
      l.colormap === heat.colormap && l.threshold01 === heat.threshold01 && l.contour === heat.contour) return false
    const ctx = this.canvas.getContext('2d')
    if (ctx === null) return false
    if (this.canvas.width !== heat.width || this.canvas.height !== heat.height || this.buffer === null) {
      this.canvas.width = heat.width
      this.canvas.height = heat.height
      this.buffer = ctx.createImageData(heat.width, heat.height)
    }
    heatmapToRgba(heat.values, heat.width, heat.height, heat.range, heat, this.buffer.data)
    ctx.putImageData(this.buffer, 0, 0)
    this.last = { values: heat.values, range: heat.range, colormap: heat.colormap, threshold01: heat.threshold01, contour: heat.contour }
    return true
  }
}

/** The model-input preview scaled once to thumbnail size (96 thumbnails must not each rescale 224 px). */
const thumbCache = new WeakMap<HTMLCanvasElement, Map<number, HTMLCanvasElement>>()

function scaledPreview(preview: HTMLCanvasElement, size: number): HTMLCanvasElement {
  let bySize = thumbCache.get(preview)
  if (bySize === undefined) thumbCache.set(preview, (bySize = new Map()))
  let c = bySize.get(size)
  if (c === undefined) {
    c = document.createElement('canvas')
    c.width = size
    c.height = size
    c.getContext('2d')?.drawImage(preview, 0, 0, size, size)
    bySize.set(size, c)
  }
  return c
}

/** One patch-grid-sized scratch canvas, reused by every thumbnail. */
let scratch: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D; data: ImageData } | null = null

function scratchFor(cols: number, rows: number): NonNullable<typeof scratch> | null {
  if (scratch === null || scratch.canvas.width !== cols || scratch.canvas.height !== rows) {
    const canvas = document.createElement('canvas')
    canvas.width = cols
    canvas.height = rows
    const ctx = canvas.getContext('2d')
    if (ctx === null) return null
    scratch = { canvas, ctx, data: ctx.createImageData(cols, rows) }
  }
  return scratch
}

/**
 * The one scale of all thumbnails: the largest magnitude over every vector, leaving out `selfIndex` (a token's
 * attention to itself usually dwarfs the rest, and the pinned patch is outlined anyway).
 */
export function sharedThumbnailMax(vectors: Iterable<ArrayLike<number>>, selfIndex: number): number {
  let max = 0
  for (const v of vectors) for (let i = 0; i < v.length; i++) if (i !== selfIndex && Number.isFinite(v[i]!)) max = Math.max(max, Math.abs(v[i]!))
  return max
}

/**
 * Small attention thumbnail: a per-patch vector drawn over the model-input preview, as magnitude (hidden
 * attention can be negative) on the scale `max` shared by every thumbnail of the drill-down (issue 15: 48
 * self-scaled thumbnails could not be compared; see {@link sharedThumbnailMax}); the patch `selfIndex` is
 * outlined. Values above `max` (the patch's own attention) are drawn at the top colour. One pixel per patch on a
 * scratch canvas, then one scaled draw: three canvas calls per thumbnail instead of one per patch.
 */
export function drawThumbnail(
  ctx: CanvasRenderingContext2D,
  preview: HTMLCanvasElement | null,
  values: ArrayLike<number>,
  gridRows: number,
  gridCols: number,
  lut: Uint8Array,
  selfIndex: number,
  max: number,
): void {
  const { width, height } = ctx.canvas
  const sc = scratchFor(gridCols, gridRows)
  ctx.clearRect(0, 0, width, height)
  if (preview !== null) {
    ctx.globalAlpha = 0.55
    ctx.drawImage(scaledPreview(preview, width), 0, 0, width, height)
    ctx.globalAlpha = 1
  }
  if (sc === null) return
  const px = sc.data.data
  for (let p = 0; p < gridRows * gridCols; p++) {
    const a = Math.abs(values[p]!)
    const v = max > 0 && Number.isFinite(a) ? Math.min(1, a / max) : 0
    const k = Math.round(v * 255) * 3
    px[p * 4] = lut[k]!
    px[p * 4 + 1] = lut[k + 1]!
    px[p * 4 + 2] = lut[k + 2]!
    px[p * 4 + 3] = Math.round((0.25 + 0.6 * v) * 255)
  }
  sc.ctx.putImageData(sc.data, 0, 0)
  ctx.imageSmoothingEnabled = false
  ctx.drawImage(sc.canvas, 0, 0, width, height)
  if (selfIndex >= 0) {
    const cw = width / gridCols
    const ch = height / gridRows
    ctx.strokeStyle = '#ffd400'
    ctx.lineWidth = 1
    ctx.strokeRect(Math.floor((selfIndex % gridCols) * cw) + 0.5, Math.floor(Math.floor(selfIndex / gridCols) * ch) + 0.5, Math.ceil(cw) - 1, Math.ceil(ch) - 1)
  }
}
