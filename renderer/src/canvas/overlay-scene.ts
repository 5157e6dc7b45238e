/**
 * The overlay scene: the viewer's state (image, result, panes, style, viewport, hover, pin), kept outside React
 * (STYLE.md §1.8; excalidraw `Scene`). Each pane's panel scene — what it draws, the same one its figure is made
 * of — is built from it by `pane-scene.ts`; pan, zoom and hover stay here, interactive only. Components
 * subscribe and redraw through refs; React re-renders only for layout changes. DOM-free, so its logic is
 * unit-tested in plain Node.
 */
import type { Rgb8Dto } from '../../../preload/contract'
import { DEFAULT_COLORMAP } from '@core/ui/colormaps'
import {
  fitViewport,
  identityFrame,
  IDENTITY_VIEWPORT,
  movePatch,
  zoomAt,
  type ModelFrame,
  type PatchCell,
  type PatchGrid,
  type Point,
  type Viewport,
} from '@core/ui/coords'
import type { SceneStyle, ScaledMap } from '@core/scene/panel-scene'

/** One heatmap pane (two in the side-by-side view). Arrays are the engine's, never copied. */
export interface PaneData {
  readonly label: string
  /** Main's id of the run this pane shows (what an export names). */
  readonly runId: string
  readonly methodId: string
  /** The map on the scale it is drawn with (core/scene/panel-scene.ts `scaleMaps`, as the figure scales it). */
  readonly map: ScaledMap
  readonly patchRelevance: Float32Array
  /** 1 = most relevant patch. */
  readonly ranks: Uint16Array
}

/** How heat is drawn: the scene style of core/scene/panel-scene.ts. */
export type OverlayStyle = SceneStyle

export type ViewMode = 'image' | 'model'

export interface SceneState {
  /** Bumped on every change; cheap equality for subscribers. */
  readonly version: number
  readonly image: Rgb8Dto | null
  /** "What the model saw" (RGB8 at model resolution) and where it sits on the image. */
  readonly preview: Rgb8Dto | null
  readonly imageFrame: ModelFrame | null
  readonly grid: PatchGrid | null
  readonly panes: readonly (PaneData | null)[]
  readonly style: OverlayStyle
  readonly viewMode: ViewMode
  readonly viewport: Viewport
  /**
   * The viewport is the fit of the image, not one the user zoomed or panned to: a resize of the pane (the
   * colour bar arriving, side by side, the window) then fits again (issue 15: "resizing does not re-fit").
   */
  readonly isFitted: boolean
  readonly containerWidth: number
  readonly containerHeight: number
  readonly hover: PatchCell | null
  readonly pinned: PatchCell | null
  /** Main's model-input key of the shown image (frame, slice, model input); '' before any image. */
  readonly imageKey: string
  /** The model-input key the result (preview, frame, panes) was computed for. */
  readonly resultKey: string
}

export const DEFAULT_STYLE: OverlayStyle = { colormap: DEFAULT_COLORMAP, opacity01: 0.6, threshold01: 0, contour: false }

const ZOOM_STEP = 1.25

export class OverlayScene {
  private s: SceneState = {
    version: 0,
    image: null,
    preview: null,
    imageFrame: null,
    grid: null,
    panes: [null],
    style: DEFAULT_STYLE,
    viewMode: 'image',
    viewport: IDENTITY_VIEWPORT,
    isFitted: true,
    containerWidth: 0,
    containerHeight: 0,
    hover: null,
    pinned: null,
    imageKey: '',
    resultKey: '',
  }
  private readonly listeners = new Set<() => void>()

  get = (): SceneState => this.s

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => {
      this.listeners.delete(cb)
    }
  }

  private update(patch: Partial<Omit<SceneState, 'version'>>): void {
    this.s = { ...this.s, ...patch, version: this.s.version + 1 }
    for (const l of [...this.listeners]) l()
  }

  /**
   * Whether the result belongs to the shown image (issue 15: "the old heat map stays over a new slice until
   * the run ends"). A frame or slice change makes it stale at once: map, model view, patch grid and pin
   * geometry are hidden until the result for the new image arrives (or comes from the cache).
   */
  isResultCurrent(): boolean {
    return this.s.imageKey !== '' && this.s.resultKey === this.s.imageKey
  }

  /** The picture under the overlay: the loaded image, or the model input in "what the model saw" mode. */
  activeImage(): Rgb8Dto | null {
    return this.s.viewMode === 'model' && this.s.preview !== null && this.isResultCurrent() ? this.s.preview : this.s.image
  }

  /** Where the model input sits on the active image; null while the result is stale (nothing to place). */
  activeFrame(): ModelFrame | null {
    const f = this.s.imageFrame
    if (f === null || !this.isResultCurrent()) return null
    return this.s.viewMode === 'model' && this.s.preview !== null ? identityFrame(f.modelWidth, f.modelHeight) : f
  }

  /** A new image: the old overlay no longer applies, so panes, hover and pin are cleared. */
  setImage(image: Rgb8Dto, imageKey: string): void {
    this.update({
      image, imageKey, resultKey: '', preview: null, imageFrame: null, grid: null, panes: [null], hover: null, pinned: null, viewMode: 'image',
    })
    this.fit()
  }

  /**
   * A new rendition of the same file. A window or invert change keeps the key, so overlay, pin and viewport
   * stay; a frame or slice changes the key, so the overlay goes stale at once. A new size (another slice
   * axis) also drops hover and pin and fits the new geometry.
   */
  replaceImagePixels(image: Rgb8Dto, imageKey: string): void {
    const old = this.s.image
    const resized = old === null || old.width !== image.width || old.height !== image.height
    this.update(resized ? { image, imageKey, hover: null, pinned: null } : { image, imageKey })
    if (resized) this.fit()
  }

  /** The result for model input `resultKey`: shown only while that is the shown image's key. */
  setResult(preview: Rgb8Dto, frame: ModelFrame, grid: PatchGrid, resultKey: string): void {
    this.update({ preview, imageFrame: frame, grid, resultKey })
  }

  setPanes(panes: readonly (PaneData | null)[]): void {
    this.update({ panes })
  }

  setStyle(patch: Partial<OverlayStyle>): void {
    this.update({ style: { ...this.s.style, ...patch } })
  }

  setViewMode(viewMode: ViewMode): void {
    if (viewMode === this.s.viewMode) return
    this.update({ viewMode })
    this.fit()
  }

  setContainerSize(width: number, height: number): void {
    if (width === this.s.containerWidth && height === this.s.containerHeight) return
    this.update({ containerWidth: width, containerHeight: height })
    // The first size, or a fitted image in a pane that changed size: fit again. A zoom or pan of the user's stays.
    if (this.s.isFitted) this.fit()
  }

  setViewport(viewport: Viewport): void {
    this.update({ viewport, isFitted: false })
  }

  fit(): void {
    const img = this.activeImage()
    if (img === null) return
    this.update({ viewport: fitViewport(this.s.containerWidth, this.s.containerHeight, img.width, img.height), isFitted: true })
  }

  /** Zoom around `anchor` (screen px); the centre of the pane when omitted (keyboard and menu). */
  zoom(direction: 1 | -1, anchor?: Point): void {
    const a = anchor ?? { x: this.s.containerWidth / 2, y: this.s.containerHeight / 2 }
    this.update({ viewport: zoomAt(this.s.viewport, direction > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, a), isFitted: false })
  }

  setHover(hover: PatchCell | null): void {
    // Pointer moves within one patch change nothing: no version bump, no redraw.
    if (hover?.index === this.s.hover?.index) return
    this.update({ hover })
  }

  setPinned(pinned: PatchCell | null): void {
    if (pinned?.index === this.s.pinned?.index) return
    this.update({ pinned })
  }

  /** Arrow keys: move the pin (or start at the hovered patch, else the centre). Returns the new pin. */
  movePinned(dRow: number, dCol: number): PatchCell | null {
    const g = this.s.grid
    if (g === null) return null
    const start = this.s.pinned ?? this.s.hover
    const base = start ?? { row: Math.floor(g.gridRows / 2), col: Math.floor(g.gridCols / 2), index: 0 }
    const next = start === null ? movePatch(base, 0, 0, g) : movePatch(base, dRow, dCol, g)
    this.setPinned(next)
    return next
  }
}
