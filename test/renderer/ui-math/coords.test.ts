/** Coordinate chain of the overlay: screen ↔ image ↔ model ↔ patch (main/core/ui/coords.ts). */
import { describe, expect, it } from 'vitest'
import {
  fitViewport,
  identityFrame,
  imageToModel,
  imageToScreen,
  modelToImage,
  modelToPatch,
  movePatch,
  patchCell,
  patchRectInImage,
  screenToImage,
  screenToPatch,
  zoomAt,
  type ModelFrame,
} from '@core/ui/coords'
import { makeLayout, patchToToken } from '@core/layout'

// A 320×240 photo, centre-cropped to 240×240 and resized to 224 (the card's resize-shorter-center-crop).
const frame: ModelFrame = { crop: { x: 40, y: 0, width: 240, height: 240 }, modelWidth: 224, modelHeight: 224 }
const grid = { gridRows: 14, gridCols: 14 }

describe('coords', () => {
  it('screen ↔ image round-trips through any viewport', () => {
    const v = { scale: 2.5, x: -30, y: 12 }
    const p = { x: 123.4, y: 56.7 }
    const back = screenToImage(imageToScreen(p, v), v)
    expect(back.x).toBeCloseTo(p.x, 9)
    expect(back.y).toBeCloseTo(p.y, 9)
  })

  it('image ↔ model maps the crop corners to the model corners', () => {
    expect(imageToModel({ x: 40, y: 0 }, frame)).toEqual({ x: 0, y: 0 })
    const br = imageToModel({ x: 280, y: 240 }, frame)
    expect(br.x).toBeCloseTo(224, 9)
    expect(br.y).toBeCloseTo(224, 9)
    const p = modelToImage(imageToModel({ x: 100, y: 77 }, frame), frame)
    expect(p.x).toBeCloseTo(100, 9)
    expect(p.y).toBeCloseTo(77, 9)
  })

  it('model → patch: 16 px patches, row-major index, outside → null', () => {
    expect(modelToPatch({ x: 0, y: 0 }, frame, grid)).toEqual({ row: 0, col: 0, index: 0 })
    expect(modelToPatch({ x: 16, y: 15.99 }, frame, grid)).toEqual({ row: 0, col: 1, index: 1 })
    expect(modelToPatch({ x: 223.9, y: 223.9 }, frame, grid)).toEqual({ row: 13, col: 13, index: 195 })
    expect(modelToPatch({ x: 224, y: 10 }, frame, grid)).toBeNull()
    expect(modelToPatch({ x: -0.1, y: 10 }, frame, grid)).toBeNull()
  })

  it('the cropped-away margin of the photo has no patch', () => {
    const v = { scale: 1, x: 0, y: 0 }
    expect(screenToPatch({ x: 20, y: 100 }, v, frame, grid)).toBeNull()
    expect(screenToPatch({ x: 41, y: 1 }, v, frame, grid)?.index).toBe(0)
  })

  it('patch rectangles tile the crop exactly', () => {
    const first = patchRectInImage({ row: 0, col: 0, index: 0 }, frame, grid)
    const last = patchRectInImage({ row: 13, col: 13, index: 195 }, frame, grid)
    expect(first.x).toBeCloseTo(40, 9)
    expect(first.width).toBeCloseTo(240 / 14, 9)
    expect(last.x + last.width).toBeCloseTo(280, 9)
    expect(last.y + last.height).toBeCloseTo(240, 9)
  })

  it('patch index → token index skips the middle CLS token (via core/layout)', () => {
    const layout = makeLayout(14, 14)
    expect(patchToToken(layout, 97)).toBe(97)
    expect(patchToToken(layout, 98)).toBe(99)
    expect(patchCell(98, grid)).toEqual({ row: 7, col: 0, index: 98 })
    expect(patchCell(196, grid)).toBeNull()
  })

  it('keyboard moves stay inside the grid', () => {
    expect(movePatch({ row: 0, col: 0, index: 0 }, -1, -1, grid)).toEqual({ row: 0, col: 0, index: 0 })
    expect(movePatch({ row: 13, col: 12, index: 194 }, 1, 1, grid)).toEqual({ row: 13, col: 13, index: 195 })
    expect(movePatch({ row: 5, col: 5, index: 75 }, 0, 1, grid).index).toBe(76)
  })

  it('zoom keeps the image point under the pointer fixed', () => {
    const v = fitViewport(800, 600, 320, 240)
    const anchor = { x: 300, y: 200 }
    const before = screenToImage(anchor, v)
    const z = zoomAt(v, 1.25, anchor)
    const after = screenToImage(anchor, z)
    expect(z.scale).toBeCloseTo(v.scale * 1.25, 9)
    expect(after.x).toBeCloseTo(before.x, 9)
    expect(after.y).toBeCloseTo(before.y, 9)
  })

  it('fit centres the image with a margin; identity frame for the model view', () => {
    const v = fitViewport(800, 600, 320, 240, 8)
    expect(v.scale).toBeCloseTo(Math.min(784 / 320, 584 / 240), 9)
    expect(v.x).toBeCloseTo((800 - 320 * v.scale) / 2, 9)
    const id = identityFrame(224, 224)
    expect(imageToModel({ x: 10, y: 20 }, id)).toEqual({ x: 10, y: 20 })
  })
})
