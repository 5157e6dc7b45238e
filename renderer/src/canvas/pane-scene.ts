/**
 * The panel scene each pane draws (core/scene/panel-scene.ts): the viewer's state — overlay scene and session
 * — filled into the same input the figure exporter fills from its request (core/export/figure.ts
 * `figureSceneInput`), so screen and figure are one scene drawn by two backends. Interactive things (pan and
 * zoom, hover, cursor readout) stay outside it. DOM-free: unit-tested in plain Node.
 */
import { buildPanelScene, type PanelScene, type PanelSceneInput } from '@core/scene/panel-scene'
import { trainedOnNameOf } from '@core/trust/report'
import type { OverlayScene } from './overlay-scene'
import type { SessionState } from '../state/session'

/** The scene input of pane `paneIndex`; null before any image. */
export function paneSceneInput(scene: OverlayScene, session: SessionState, paneIndex: number): PanelSceneInput | null {
  const s = scene.get()
  const picture = scene.activeImage()
  if (picture === null) return null
  const frame = scene.activeFrame()
  const img = session.image
  const spacing = img?.pixelSpacingMm ?? null
  const domain = session.result?.trust.domain ?? null
  const trainedOnName = session.model === null ? undefined : trainedOnNameOf(session.model.card)
  return {
    picture,
    mode: picture === s.preview && s.viewMode === 'model' ? 'model' : 'image',
    frame,
    grid: frame === null ? null : s.grid,
    map: s.panes[paneIndex]?.map ?? null,
    style: s.style,
    // On screen the grid comes with a pin (it says what a patch is); the export dialog chooses it for a figure.
    showGrid: s.pinned !== null,
    pinned: s.pinned,
    display: img?.isGray === true
      ? { windowCenter: img.window.center, windowWidth: img.window.width, unit: img.unit, invert: img.invert, pixelSpacingMm: spacing === null ? null : { row: spacing.row, column: spacing.column } }
      : null,
    pixelSpacingMm: spacing === null ? null : { row: spacing.row, column: spacing.column },
    domain: domain === null ? null : { inDomain: domain.inDomain, ...(trainedOnName !== undefined ? { trainedOnName } : {}) },
  }
}

interface Memo {
  readonly state: unknown
  readonly image: unknown
  readonly result: unknown
  readonly model: unknown
  readonly scene: PanelScene | null
}

/** Per overlay scene (the app has one; tests make several), per pane. */
const memos = new WeakMap<OverlayScene, Map<number, Memo>>()

/**
 * The scene of a pane, rebuilt only when its inputs changed (React selectors need a stable snapshot; the
 * painter repaints only what differs). Hover and other session fields do not rebuild it.
 */
export function paneScene(scene: OverlayScene, session: SessionState, paneIndex: number): PanelScene | null {
  let byPane = memos.get(scene)
  if (byPane === undefined) memos.set(scene, (byPane = new Map()))
  const m = byPane.get(paneIndex)
  const s = scene.get()
  const hit = m !== undefined && m.image === session.image && m.result === session.result && m.model === session.model &&
    (m.state === s || isSameButHover(m.state as typeof s, s))
  if (hit) return m.scene
  const input = paneSceneInput(scene, session, paneIndex)
  const built = input === null ? null : shareEqualParts(m?.scene ?? null, buildPanelScene(input))
  byPane.set(paneIndex, { state: s, image: session.image, result: session.result, model: session.model, scene: built })
  return built
}

/** The small parts of a scene (no typed arrays): cheap to compare by value. */
const SMALL_PARTS = ['grid', 'pin', 'colorBar', 'window', 'scaleBar'] as const

/**
 * `next` with every small part that equals the previous scene's replaced by that very object, so a component
 * that selects one part (the colour bar on a frame step, say) sees no change and does not re-render.
 */
function shareEqualParts(prev: PanelScene | null, next: PanelScene): PanelScene {
  if (prev === null) return next
  const out: { -readonly [K in keyof PanelScene]: PanelScene[K] } = { ...next }
  for (const k of SMALL_PARTS) if (JSON.stringify(prev[k]) === JSON.stringify(next[k])) Object.assign(out, { [k]: prev[k] })
  return out
}

/** Pointer moves and pan or zoom change the overlay state but not the scene. */
function isSameButHover(a: ReturnType<OverlayScene['get']>, b: ReturnType<OverlayScene['get']>): boolean {
  return a.image === b.image && a.preview === b.preview && a.imageFrame === b.imageFrame && a.grid === b.grid && a.panes === b.panes &&
    a.style === b.style && a.viewMode === b.viewMode && a.pinned === b.pinned && a.imageKey === b.imageKey && a.resultKey === b.resultKey
}
