// @vitest-environment node
/** The panel scene (issue 15 item 5): one pure description that the viewer and the figure both draw. */
import { describe, expect, it } from 'vitest'
import { buildPanelScene, scaleMaps, type PanelSceneInput } from '../../../../main/core/scene/panel-scene'

const picture = { width: 300, height: 240, data: new Uint8Array(300 * 240 * 3).fill(90) }
const frame = { crop: { x: 30, y: 0, width: 240, height: 240 }, modelWidth: 224, modelHeight: 224 }
const grid = { gridRows: 14, gridCols: 14 }
const ramp = Float32Array.from({ length: 14 * 14 }, (_, i) => i / 10)
const [map] = scaleMaps([{ heatmap: ramp, width: 14, height: 14, degenerate: false }])

function input(patch: Partial<PanelSceneInput> = {}): PanelSceneInput {
  return {
    picture, mode: 'image', frame, grid, map: map!, style: { colormap: 'viridis', opacity01: 0.6, threshold01: 0.2, contour: false },
    showGrid: false, pinned: { row: 0, col: 2, index: 2 }, display: null, pixelSpacingMm: null, domain: { inDomain: true }, ...patch,
  }
}

describe('buildPanelScene', () => {
  it('places heat and pin on the model crop and labels the pin 1-based', () => {
    const s = buildPanelScene(input())
    expect(s.heat).toMatchObject({ rect: frame.crop, width: 14, height: 14, colormap: 'viridis', opacity01: 0.6, threshold01: 0.2, smooth: true })
    expect(s.heat?.values).toBe(ramp)
    expect(s.pin?.label).toBe('pinned patch 3 (row 1, column 3)')
    expect(s.pin?.rect.x).toBeCloseTo(30 + (2 * 240) / 14, 9)
    expect(s.grid).toBeNull()
    expect(buildPanelScene(input({ showGrid: true })).grid).toMatchObject({ rows: 14, cols: 14, rect: frame.crop })
  })

  it('a stale result (no frame) draws no heat, grid or pin; the colour bar of the map stays', () => {
    const s = buildPanelScene(input({ frame: null, showGrid: true }))
    expect([s.heat, s.grid, s.pin]).toEqual([null, null, null])
    expect(s.colorBar?.ticks.length).toBeGreaterThan(1)
  })

  it('names its colour bar and states the scale mode; side by side the maps share one scale', () => {
    const bar = buildPanelScene(input()).colorBar!
    expect(bar.name).toBe('relevance, arbitrary units')
    expect([bar.scale, bar.legendShort]).toEqual(['own min-max', 'own min–max scale: not comparable'])
    expect(bar.ticks[0]).toBe('0')
    // 300 px picture → 300 px figure panel: room for three labels, on screen as in the figure.
    expect(bar.ticks).toHaveLength(3)
    const pair = scaleMaps([{ heatmap: ramp, width: 14, height: 14, degenerate: false }, { heatmap: ramp.map((v) => 2 * v + 1), width: 14, height: 14, degenerate: false }])
    expect(pair[0]!.range).toEqual(pair[1]!.range)
    expect(pair.map((m) => m.scale)).toEqual(['shared, relative to mean |relevance|', 'shared, relative to mean |relevance|'])
    const flat = scaleMaps([{ heatmap: new Float32Array(196).fill(3), width: 14, height: 14, degenerate: false }])[0]!
    expect(buildPanelScene(input({ map: flat })).colorBar?.note).toBe('flat map: one value')
  })

  it('a grey scan shown as itself has its window and scale bar; the model input has neither', () => {
    const display = { windowCenter: 40, windowWidth: 400, unit: 'HU', invert: true, pixelSpacingMm: { row: 0.7, column: 0.6 } }
    const s = buildPanelScene(input({ display, pixelSpacingMm: display.pixelSpacingMm }))
    expect(s.window?.short).toBe('W 400 L 40 HU (inverted)')
    expect(s.window?.full).toMatch(/^Display window W.400, L.40 HU \(inverted\) · pixel 0\.70 × 0\.60 mm$/)
    expect(s.scaleBar).toEqual({ mmPerPicturePx: 0.6 })
    const model = buildPanelScene(input({ display, pixelSpacingMm: display.pixelSpacingMm, mode: 'model' }))
    expect([model.window, model.scaleBar]).toEqual([null, null])
  })

  it('carries the out-of-domain banner only for an input the guard flagged', () => {
    expect(buildPanelScene(input()).banner).toBeNull()
    expect(buildPanelScene(input({ domain: { inDomain: null } })).banner).toBeNull()
    expect(buildPanelScene(input({ domain: { inDomain: false, trainedOnName: 'breast ultrasound' } })).banner).toMatch(/unlike the breast ultrasound/)
  })

  it('is plain data: it survives structuredClone unchanged (no functions, no classes, no DOM)', () => {
    const display = { windowCenter: 40, windowWidth: 400, unit: 'HU', invert: false, pixelSpacingMm: null }
    // A small picture: a deep equality walks typed arrays element by element.
    const small = { width: 30, height: 24, data: new Uint8Array(30 * 24 * 3).fill(7) }
    const s = buildPanelScene(input({ picture: small, frame: { ...frame, crop: { x: 3, y: 0, width: 24, height: 24 } }, showGrid: true, display, domain: { inDomain: false } }))
    expect(structuredClone(s)).toEqual(s)
  })
})
