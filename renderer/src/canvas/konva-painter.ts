/**
 * Konva backend of the panel scene (core/scene/panel-scene.ts), as compose.ts and svg.ts are its raster and SVG
 * backends for figures: picture, heat layer (same colour table, range, threshold, opacity and smoothing), patch
 * grid and pinned patch with its 1-based label. Geometry is in picture pixels (the stage's transform is the
 * viewport); stroke widths and text are divided by the zoom so they stay a fixed size on screen. Each part is
 * repainted only when its own inputs changed, so a pan or zoom never recolours the heat map.
 */
import type Konva from 'konva'
import type { GridMark, HeatLayer, PanelScene } from '@core/scene/panel-scene'
import { HeatmapBitmap, rgbCanvas } from './bitmaps'

export interface SceneNodes {
  readonly imageLayer: Konva.Layer
  readonly image: Konva.Image
  readonly heatLayer: Konva.Layer
  readonly heat: Konva.Image
  readonly grid: Konva.Shape
  readonly pin: Konva.Rect
  readonly pinLabel: Konva.Text
}

/** Screen px of the marks (the figure draws them in its own pixels: compose.ts, svg.ts). */
const PIN_STROKE_PX = 2.5
const LABEL_PX = 12

/** Points the grid shape at `mark` (the scene's grid, or the unpinned grid under the pointer). */
export function setGrid(shape: Konva.Shape, mark: GridMark | null, pxPerScreenPx: number): void {
  shape.visible(mark !== null)
  if (mark === null) return
  const { rect, rows, cols } = mark
  shape.setAttrs({ stroke: mark.colour, opacity: mark.alpha, strokeWidth: pxPerScreenPx })
  shape.sceneFunc((ctx, sh) => {
    ctx.beginPath()
    for (let c = 0; c <= cols; c++) {
      const x = rect.x + (c * rect.width) / cols
      ctx.moveTo(x, rect.y)
      ctx.lineTo(x, rect.y + rect.height)
    }
    for (let r = 0; r <= rows; r++) {
      const y = rect.y + (r * rect.height) / rows
      ctx.moveTo(rect.x, y)
      ctx.lineTo(rect.x + rect.width, y)
    }
    ctx.strokeShape(sh)
  })
}

/** A number per heat array (the engine's, or a shared-scale copy), so a key can tell two maps apart cheaply. */
const arrayIds = new WeakMap<Float32Array, number>()
let nextArrayId = 0

function heatKey(h: HeatLayer | null): string {
  if (h === null) return 'none'
  let id = arrayIds.get(h.values)
  if (id === undefined) arrayIds.set(h.values, (id = ++nextArrayId))
  const r = h.rect
  return `${id}|${h.range.min},${h.range.max}|${h.colormap}|${h.threshold01}|${h.contour}|${h.opacity01}|${r.x},${r.y},${r.width},${r.height}`
}

export class KonvaPainter {
  private picture: unknown = undefined
  private heat = ''
  private marks = ''
  private readonly bitmap = new HeatmapBitmap()

  constructor(private readonly nodes: SceneNodes) {}

  /** Paints `scene` (null: no image); returns true when the heat layer was redrawn with a map on it. */
  paint(scene: PanelScene | null, pxPerScreenPx: number): boolean {
    const n = this.nodes
    const picture = scene?.picture ?? null
    if (picture !== this.picture) {
      this.picture = picture
      if (picture !== null) {
        n.image.image(rgbCanvas(picture))
        n.image.size({ width: picture.width, height: picture.height })
      }
      n.image.visible(picture !== null)
      n.imageLayer.batchDraw()
    }
    const h = scene?.heat ?? null
    const key = heatKey(h)
    let isHeatDrawn = false
    if (key !== this.heat) {
      this.heat = key
      if (h !== null) {
        this.bitmap.update(h)
        n.heat.image(this.bitmap.canvas)
        n.heat.position({ x: h.rect.x, y: h.rect.y })
        n.heat.size({ width: h.rect.width, height: h.rect.height })
        n.heat.opacity(h.opacity01)
        n.heatLayer.imageSmoothingEnabled(h.smooth)
      }
      n.heat.visible(h !== null)
      // Drawn now rather than on the next frame: the first-overlay clock stops when pixels exist.
      n.heatLayer.draw()
      isHeatDrawn = h !== null
    }
    this.paintMarks(scene, pxPerScreenPx)
    return isHeatDrawn
  }

  private paintMarks(scene: PanelScene | null, px: number): void {
    const grid = scene?.grid ?? null
    const pin = scene?.pin ?? null
    const key = `${px}|${JSON.stringify(grid)}|${JSON.stringify(pin)}`
    if (key === this.marks) return
    this.marks = key
    const n = this.nodes
    setGrid(n.grid, grid, px)
    n.pin.visible(pin !== null)
    n.pinLabel.visible(pin !== null)
    if (pin !== null) {
      n.pin.setAttrs({ ...pin.rect, stroke: pin.colour, strokeWidth: PIN_STROKE_PX * px })
      const size = LABEL_PX * px
      // Above the patch, or inside its top edge when the patch touches the top of the picture.
      const y = pin.rect.y - 1.4 * size >= 0 ? pin.rect.y - 1.4 * size : pin.rect.y + pin.rect.height + 0.3 * size
      n.pinLabel.setAttrs({ text: pin.label, y, fontSize: size, fill: pin.colour, shadowColor: '#000000', shadowBlur: 3 * px, shadowOpacity: 1 })
      // Starts over the patch, moved left as far as needed to end inside the picture (a patch at the right edge).
      const right = scene === null ? Infinity : scene.picture.width
      n.pinLabel.x(Math.max(0, Math.min(pin.rect.x, right - n.pinLabel.width())))
    }
    n.grid.getLayer()?.batchDraw()
  }
}
