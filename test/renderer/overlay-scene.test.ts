/** The scene store's own rules (renderer/src/canvas/overlay-scene.ts): DOM-free, so plain Node. */
import { describe, expect, it } from 'vitest'
import { OverlayScene } from '../../renderer/src/canvas/overlay-scene'

const image = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3) }
const preview = { width: 224, height: 224, data: new Uint8Array(224 * 224 * 3) }
const frame = { crop: { x: 40, y: 0, width: 240, height: 240 }, modelWidth: 224, modelHeight: 224 }

describe('OverlayScene', () => {
  it('hovering inside the same patch does not notify (no redraw at pointer rate)', () => {
    const s = new OverlayScene()
    let n = 0
    s.subscribe(() => n++)
    s.setHover({ row: 1, col: 2, index: 16 })
    s.setHover({ row: 1, col: 2, index: 16 })
    expect(n).toBe(1)
  })

  it('a new image fits the container and clears pin, hover and panes', () => {
    const s = new OverlayScene()
    s.setContainerSize(640, 480)
    s.setPinned({ row: 0, col: 0, index: 0 })
    s.setImage(image, 'in-1')
    expect(s.get().pinned).toBeNull()
    expect(s.get().panes).toEqual([null])
    expect(s.get().viewport.scale).toBeCloseTo(Math.min(624 / 320, 464 / 240), 9)
  })

  it('"what the model saw" swaps the picture and uses the identity frame', () => {
    const s = new OverlayScene()
    s.setContainerSize(640, 480)
    s.setImage(image, 'in-1')
    s.setResult(preview, frame, { gridRows: 14, gridCols: 14 }, 'in-1')
    expect(s.activeFrame()).toBe(frame)
    s.setViewMode('model')
    expect(s.activeImage()).toBe(preview)
    expect(s.activeFrame()?.crop).toEqual({ x: 0, y: 0, width: 224, height: 224 })
  })

  it('arrow keys start at the hovered patch, then move within the grid', () => {
    const s = new OverlayScene()
    s.setResult(preview, frame, { gridRows: 14, gridCols: 14 }, '')
    expect(s.movePinned(0, 1)).toEqual({ row: 7, col: 7, index: 105 })
    expect(s.movePinned(0, 1)).toEqual({ row: 7, col: 8, index: 106 })
    s.setPinned(null)
    s.setHover({ row: 0, col: 13, index: 13 })
    expect(s.movePinned(0, 1)).toEqual({ row: 0, col: 13, index: 13 })
    expect(s.movePinned(-1, 1)).toEqual({ row: 0, col: 13, index: 13 })
  })

  it('zoom without an anchor keeps the pane centre fixed', () => {
    const s = new OverlayScene()
    s.setContainerSize(600, 400)
    s.setImage(image, 'in-1')
    const v0 = s.get().viewport
    s.zoom(1)
    const v1 = s.get().viewport
    const centre = (v: typeof v0) => ({ x: (300 - v.x) / v.scale, y: (200 - v.y) / v.scale })
    expect(centre(v1).x).toBeCloseTo(centre(v0).x, 9)
    expect(v1.scale).toBeGreaterThan(v0.scale)
  })

  it('a frame or slice change hides the old result at once; its own result (or a window change) shows it', () => {
    const s = new OverlayScene()
    s.setContainerSize(640, 480)
    s.setImage(image, 'frame-1')
    s.setResult(preview, frame, { gridRows: 14, gridCols: 14 }, 'frame-1')
    s.setViewMode('model')
    expect(s.activeImage()).toBe(preview)
    // Same size, next frame: nothing of frame 1's result may be placed over frame 2.
    const next = { ...image, data: new Uint8Array(320 * 240 * 3).fill(9) }
    s.replaceImagePixels(next, 'frame-2')
    expect(s.isResultCurrent()).toBe(false)
    expect(s.activeFrame()).toBeNull()
    expect(s.activeImage()).toBe(next)
    s.setResult(preview, frame, { gridRows: 14, gridCols: 14 }, 'frame-2')
    expect(s.activeFrame()).toEqual({ crop: { x: 0, y: 0, width: 224, height: 224 }, modelWidth: 224, modelHeight: 224 })
    // A window change keeps the model input (and its key): the result stays.
    s.replaceImagePixels({ ...next }, 'frame-2')
    expect(s.isResultCurrent()).toBe(true)
  })

  it('another slice size (a new axis) drops the pin and fits the new geometry', () => {
    const s = new OverlayScene()
    s.setContainerSize(640, 480)
    s.setImage({ width: 33, height: 41, data: new Uint8Array(33 * 41 * 3) }, 'axial-5')
    s.setPinned({ row: 1, col: 1, index: 15 })
    s.replaceImagePixels({ width: 33, height: 25, data: new Uint8Array(33 * 25 * 3) }, 'coronal-12')
    expect(s.get().pinned).toBeNull()
    expect(s.get().viewport.scale).toBeCloseTo(Math.min(624 / 33, 464 / 25), 9)
  })
})
