/**
 * Imperative sync of one pane's Konva nodes (konva "Access Konva Nodes"), called on every overlay-scene change:
 * the pane's panel scene goes to the painter (konva-painter.ts, the backend shared in spirit with the figure's),
 * and the interactive things that are no part of a figure are set here: the viewport transform, the hovered
 * patch and its grid. Only layers whose inputs changed are redrawn, so a hover touches the thin interaction
 * layer and never recolours the heatmap or repaints the image.
 */
import type Konva from 'konva'
import { gridMark } from '@core/scene/panel-scene'
import { patchRectInImage } from '@core/ui/coords'
import { session } from '../state/session'
import { KonvaPainter, setGrid, type SceneNodes } from './konva-painter'
import type { OverlayScene, SceneState } from './overlay-scene'
import { paneScene } from './pane-scene'

export interface PaneNodes extends SceneNodes {
  readonly stage: Konva.Stage
  readonly uiLayer: Konva.Layer
  readonly hoverGrid: Konva.Shape
  readonly hover: Konva.Rect
}

export class KonvaSync {
  private viewport: unknown = undefined
  private interaction = ''
  private readonly painter: KonvaPainter

  constructor(
    private readonly nodes: PaneNodes,
    private readonly paneIndex: number,
    /** Told after a heatmap was drawn (first-overlay timing). */
    private readonly onHeatmapDrawn: () => void,
  ) {
    this.painter = new KonvaPainter(nodes)
  }

  apply(scene: OverlayScene): void {
    const s = scene.get()
    const n = this.nodes
    if (s.viewport !== this.viewport) {
      this.viewport = s.viewport
      n.stage.scale({ x: s.viewport.scale, y: s.viewport.scale })
      n.stage.position({ x: s.viewport.x, y: s.viewport.y })
      n.stage.batchDraw()
    }
    const panel = paneScene(scene, session.get(), this.paneIndex)
    // A stale result (the image changed under it) is in no scene: its heat, grid and pin are not drawn.
    if (this.painter.paint(panel, 1 / s.viewport.scale)) this.onHeatmapDrawn()
    this.markState(s, scene.activeImage(), panel?.heat != null)
    this.syncInteraction(s, scene)
  }

  /**
   * Keys on the heat canvas for tests and the bench: which image is shown, which result, whether it is drawn,
   * and where the picture sits in the pane (viewport and picture size: fit checks).
   */
  private markState(s: SceneState, img: SceneState['image'], isHeatVisible: boolean): void {
    const el = this.nodes.heatLayer.getNativeCanvasElement()
    el.setAttribute('data-viewport', `${s.viewport.scale},${s.viewport.x},${s.viewport.y}`)
    el.setAttribute('data-picture-size', img === null ? '' : `${img.width}x${img.height}`)
    el.setAttribute('data-image-key', s.imageKey)
    el.setAttribute('data-result-key', s.resultKey)
    el.setAttribute('data-heat-visible', String(isHeatVisible))
  }

  /** The hovered patch, and the patch grid while pointing with no pin (it tells the user what a "patch" is). */
  private syncInteraction(s: SceneState, scene: OverlayScene): void {
    const frame = scene.activeFrame()
    const g = s.grid
    const key = `${s.hover?.index}|${s.pinned === null}|${frame?.crop.x},${frame?.crop.width}|${g?.gridRows}|${s.viewport.scale}`
    if (key === this.interaction) return
    this.interaction = key
    const n = this.nodes
    const px = 1 / s.viewport.scale
    const hover = frame === null || g === null ? null : s.hover
    n.hover.visible(hover !== null)
    if (hover !== null && frame !== null && g !== null) n.hover.setAttrs({ ...patchRectInImage(hover, frame, g), strokeWidth: 1.5 * px })
    setGrid(n.hoverGrid, hover !== null && frame !== null && g !== null && s.pinned === null ? gridMark(frame, g) : null, px)
    n.uiLayer.batchDraw()
  }
}
