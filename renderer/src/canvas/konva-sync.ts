/**
 * Imperative sync of one pane's Konva nodes from the scene (konva "Access Konva Nodes"): called on every
 * scene change, it touches only the layers whose inputs changed, so a hover redraws the thin interaction
 * layer and never recolours the heatmap or repaints the image.
 */
import type Konva from 'konva'
import { patchRectInImage, type PatchCell } from '@core/ui/coords'
import { rgbCanvas, HeatmapBitmap } from './bitmaps'
import type { OverlayScene, SceneState } from './overlay-scene'

export interface PaneNodes {
  readonly stage: Konva.Stage
  readonly imageLayer: Konva.Layer
  readonly image: Konva.Image
  readonly heatLayer: Konva.Layer
  readonly heat: Konva.Image
  readonly uiLayer: Konva.Layer
  readonly grid: Konva.Shape
  readonly hover: Konva.Rect
  readonly pin: Konva.Rect
}

interface Seen {
  image?: unknown
  heatKey?: string
  ui?: string
  viewport?: unknown
}

export class KonvaSync {
  private seen: Seen = {}
  private readonly bitmap = new HeatmapBitmap()

  constructor(
    private readonly nodes: PaneNodes,
    private readonly paneIndex: number,
    /** Told after a heatmap was drawn (first-overlay timing). */
    private readonly onHeatmapDrawn: () => void,
  ) {}

  apply(scene: OverlayScene): void {
    const s = scene.get()
    const n = this.nodes
    const img = scene.activeImage()
    const frame = scene.activeFrame()
    if (s.viewport !== this.seen.viewport) {
      n.stage.scale({ x: s.viewport.scale, y: s.viewport.scale })
      n.stage.position({ x: s.viewport.x, y: s.viewport.y })
      this.seen = { ...this.seen, viewport: s.viewport, ui: '' }
      n.stage.batchDraw()
    }
    if (img !== this.seen.image) {
      this.seen.image = img
      if (img !== null) {
        n.image.image(rgbCanvas(img))
        n.image.size({ width: img.width, height: img.height })
      }
      n.image.visible(img !== null)
      n.imageLayer.batchDraw()
    }
    // A stale result (the image changed under it) is never drawn: activeFrame() is null until it is current.
    const pane = s.panes[this.paneIndex] ?? null
    this.markState(s, pane !== null && frame !== null, img)
    const heatKey = pane === null || frame === null
      ? 'none'
      : `${pane.key}|${s.style.colormap}|${s.style.threshold01}|${s.style.contour}|${s.style.opacity01}|${frame.crop.x},${frame.crop.y},${frame.crop.width},${frame.crop.height}`
    if (heatKey !== this.seen.heatKey) {
      this.seen.heatKey = heatKey
      if (pane !== null && frame !== null) {
        this.bitmap.update(pane, s.style)
        n.heat.image(this.bitmap.canvas)
        n.heat.position({ x: frame.crop.x, y: frame.crop.y })
        n.heat.size({ width: frame.crop.width, height: frame.crop.height })
        n.heat.opacity(s.style.opacity01)
        // Contours are one model pixel wide; smoothing would blur them into a haze when zoomed.
        n.heatLayer.imageSmoothingEnabled(!s.style.contour)
        n.heat.visible(true)
      } else {
        n.heat.visible(false)
      }
      // Drawn now rather than on the next frame: the first-overlay clock stops when pixels exist.
      n.heatLayer.draw()
      if (pane !== null) this.onHeatmapDrawn()
    }
    this.syncInteraction(s, frame)
  }

  /**
   * Keys on the heat canvas for tests and the bench: which image is shown, which result, whether it is drawn,
   * and where the picture sits in the pane (viewport and picture size: fit checks).
   */
  private markState(s: SceneState, isHeatVisible: boolean, img: SceneState['image']): void {
    const el = this.nodes.heatLayer.getNativeCanvasElement()
    el.setAttribute('data-viewport', `${s.viewport.scale},${s.viewport.x},${s.viewport.y}`)
    el.setAttribute('data-picture-size', img === null ? '' : `${img.width}x${img.height}`)
    el.setAttribute('data-image-key', s.imageKey)
    el.setAttribute('data-result-key', s.resultKey)
    el.setAttribute('data-heat-visible', String(isHeatVisible))
  }

  private syncInteraction(s: SceneState, frame: ReturnType<OverlayScene['activeFrame']>): void {
    const n = this.nodes
    const g = s.grid
    const ui = `${s.hover?.index}|${s.pinned?.index}|${frame?.crop.x},${frame?.crop.width}|${s.viewMode}|${g?.gridRows}`
    if (ui === this.seen.ui) return
    this.seen.ui = ui
    const px = 1 / s.viewport.scale
    const place = (rect: Konva.Rect, cell: PatchCell | null, width: number): void => {
      if (cell === null || frame === null || g === null) return void rect.visible(false)
      rect.setAttrs({ ...patchRectInImage(cell, frame, g), strokeWidth: width * px, visible: true })
    }
    place(n.hover, s.hover, 1.5)
    place(n.pin, s.pinned, 2.5)
    // The patch grid is shown while pointing or pinning: it tells the user what a "patch" is.
    const showGrid = frame !== null && g !== null && (s.hover !== null || s.pinned !== null)
    n.grid.visible(showGrid)
    if (showGrid) {
      n.grid.setAttrs({ strokeWidth: px })
      n.grid.sceneFunc((ctx, shape) => {
        ctx.beginPath()
        for (let c = 0; c <= g.gridCols; c++) {
          const x = frame.crop.x + (c * frame.crop.width) / g.gridCols
          ctx.moveTo(x, frame.crop.y)
          ctx.lineTo(x, frame.crop.y + frame.crop.height)
        }
        for (let r = 0; r <= g.gridRows; r++) {
          const y = frame.crop.y + (r * frame.crop.height) / g.gridRows
          ctx.moveTo(frame.crop.x, y)
          ctx.lineTo(frame.crop.x + frame.crop.width, y)
        }
        ctx.strokeShape(shape)
      })
    }
    n.uiLayer.batchDraw()
  }
}
