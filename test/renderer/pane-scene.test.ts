/** The pane's panel scene (renderer/src/canvas/pane-scene.ts): rebuilt only when its inputs change, sharing unchanged parts. */
import { describe, expect, it } from 'vitest'
import { scaleMaps } from '../../main/core/scene/panel-scene'
import { OverlayScene } from '../../renderer/src/canvas/overlay-scene'
import { paneScene } from '../../renderer/src/canvas/pane-scene'
import { INITIAL_SESSION } from '../../renderer/src/state/session'

const image = { width: 32, height: 24, data: new Uint8Array(32 * 24 * 3) }
const frame = { crop: { x: 4, y: 0, width: 24, height: 24 }, modelWidth: 16, modelHeight: 16 }
const map = scaleMaps([{ heatmap: Float32Array.from({ length: 256 }, (_, i) => i), width: 16, height: 16, degenerate: false }])[0]!
const pane = { label: 'A', runId: 'r', methodId: 'a', map, patchRelevance: new Float32Array(16), ranks: new Uint16Array(16) }

describe('paneScene', () => {
  it('hover and zoom reuse the scene; a pin rebuilds it but keeps the unchanged colour bar object', () => {
    const s = new OverlayScene()
    s.setImage(image, 'k')
    s.setResult(image, frame, { gridRows: 4, gridCols: 4 }, 'k')
    s.setPanes([pane])
    const first = paneScene(s, INITIAL_SESSION, 0)!
    expect(first.heat?.rect).toEqual(frame.crop)
    s.setHover({ row: 0, col: 0, index: 0 })
    s.zoom(1)
    expect(paneScene(s, INITIAL_SESSION, 0)).toBe(first)
    s.setPinned({ row: 1, col: 1, index: 5 })
    const pinned = paneScene(s, INITIAL_SESSION, 0)!
    expect(pinned).not.toBe(first)
    expect(pinned.pin?.label).toBe('pinned patch 6 (row 2, column 2)')
    expect(pinned.colorBar).toBe(first.colorBar)
    s.setStyle({ colormap: 'inferno' })
    expect(paneScene(s, INITIAL_SESSION, 0)!.colorBar).not.toBe(first.colorBar)
  })

  it('a frame change hides heat, grid and pin at once (stale result)', () => {
    const s = new OverlayScene()
    s.setImage(image, 'k')
    s.setResult(image, frame, { gridRows: 4, gridCols: 4 }, 'k')
    s.setPanes([pane])
    s.setPinned({ row: 1, col: 1, index: 5 })
    s.replaceImagePixels({ ...image, data: new Uint8Array(32 * 24 * 3).fill(9) }, 'k2')
    const stale = paneScene(s, INITIAL_SESSION, 0)!
    expect([stale.heat, stale.grid, stale.pin]).toEqual([null, null, null])
  })
})
