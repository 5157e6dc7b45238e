// @vitest-environment node
import { RESEARCH_ONLY } from '../../../../main/core/trust/report'
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { buildFigureSpec, figureLayout } from '../../../../main/core/export/figure'
import { isExportFormat } from '../../../../main/core/export/types'
import { picture, request } from './fixture'

const build = (...args: Parameters<typeof request>) => {
  const req = request(...args)
  return buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
}

const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError'
  }
  return undefined
}

describe('figure spec', () => {
  it('picks the shown methods in display order', () => {
    const spec = build(300, 240, {}, { methodIds: ['mamba-attribution', 'mamba-rollout'] })
    expect(spec.panels.map((p) => p.methodId)).toEqual(['mamba-attribution', 'mamba-rollout'])
    expect(spec.title).toBe('Mamba-Attribution vs Mamba-Rollout — dog')
  })

  it('refuses an empty view or a method the result does not hold', () => {
    expect(code(() => build(300, 240, {}, { methodIds: [] }))).toBe('export/invalid-request')
    expect(code(() => build(300, 240, {}, { methodIds: ['uia'] }))).toBe('export/invalid-request')
  })

  it('image mode uses the display image and the engine crop; model mode the preview and the identity frame', () => {
    const a = build(300, 240).panels[0]!.scene
    expect(a.picture.width).toBe(300)
    expect(a.heat?.rect).toEqual({ x: 30, y: 0, width: 240, height: 240 })
    const b = build(300, 240, {}, { mode: 'model' }).panels[0]!.scene
    expect([b.picture.width, b.picture.height]).toEqual([224, 224])
    expect(b.heat?.rect).toEqual({ x: 0, y: 0, width: 224, height: 224 })
  })

  it('scales the crop when the display image is a reduced rendition of the original', () => {
    const spec = build(600, 480, { image: picture(300, 240) })
    expect(spec.panels[0]!.scene.heat?.rect).toEqual({ x: 30, y: 0, width: 240, height: 240 })
  })

  it('pinned patch and grid come from the model card grid', () => {
    const spec = build(300, 240, {}, { pinnedPatch: 15, showGrid: true })
    const { pin, grid } = spec.panels[0]!.scene
    // 14 × 14 patches over the 240 px crop at x = 30: patch (1, 1) starts one patch (240 / 14 px) in.
    expect(pin).toMatchObject({ index: 15, label: 'pinned patch 16 (row 2, column 2)' })
    const side = 240 / 14
    expect([pin!.rect.x, pin!.rect.y, pin!.rect.width, pin!.rect.height].map((v) => Math.round(v * 1000))).toEqual([30 + side, side, side, side].map((v) => Math.round(v * 1000)))
    expect(grid).toMatchObject({ rows: 14, cols: 14, rect: { x: 30, y: 0, width: 240, height: 240 } })
    expect(spec.provenance.view.pinnedPatch).toEqual({ index: 15, row: 1, col: 1 })
    expect(build(300, 240, {}, { pinnedPatch: 9999 }).panels[0]!.scene.pin).toBeNull()
  })

  it('names the colour bar and gives the pinned patch 1-based, as the app does', () => {
    const req = request()
    const spec = buildFigureSpec({ ...req, view: { ...req.view, pinnedPatch: 0 } }, { createdAt: req.createdAt!, linkageId: null })
    expect(spec.layoutInput.barNames).toEqual(spec.panels.map(() => 'relevance, arbitrary units'))
    expect(spec.caption).toContain('pinned patch 1 (row 1, column 1) outlined')
    // The machine-readable record keeps the array index.
    expect(spec.provenance.view.pinnedPatch).toEqual({ index: 0, row: 0, col: 0 })
  })

  it('a grey scan figure states its display window and pixel spacing; "what the model saw" does not', () => {
    const req = request()
    const display = { windowCenter: 40, windowWidth: 400, unit: 'HU', invert: true, pixelSpacingMm: { row: 0.7, column: 0.7 } }
    const spec = buildFigureSpec({ ...req, display }, { createdAt: req.createdAt!, linkageId: null })
    const window = 'Display window W\u00a0400, L\u00a040 HU (inverted) · pixel 0.70 × 0.70 mm'
    // Just above the research-use line, which always comes last.
    expect(spec.layoutInput.header.slice(-2)).toEqual([window, RESEARCH_ONLY])
    const model = buildFigureSpec({ ...req, display, view: { ...req.view, mode: 'model' } }, { createdAt: req.createdAt!, linkageId: null })
    expect(model.layoutInput.header).not.toContain(window)
    const plain = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null }).layoutInput.header
    expect(plain).toEqual(spec.layoutInput.header.filter((l) => l !== window))
  })

  it('a scan shown as itself gets a scale bar of a round length, measured on the panel', () => {
    const req = request()
    const display = { windowCenter: 40, windowWidth: 400, unit: 'HU', invert: false, pixelSpacingMm: { row: 0.7, column: 0.7 } }
    const spec = buildFigureSpec({ ...req, display }, { createdAt: req.createdAt!, linkageId: null })
    for (const scale of [1, 2]) {
      const l = figureLayout(spec, scale)
      const panel = l.panels[0]!
      const bar = panel.scaleBar!
      const label = l.texts.find((t) => t.role === 'scale-bar')!.text
      const m = /^scale: (\d+(?:\.\d+)?) (mm|cm)$/.exec(label)!
      const mm = Number(m[1]) * (m[2] === 'cm' ? 10 : 1)
      // Bar length in picture pixels × 0.7 mm is the labelled length (to the pixel rounding of the bar).
      const mmDrawn = (bar.width / panel.image.width) * spec.panels[0]!.scene.picture.width * 0.7
      expect(Math.abs(mmDrawn - mm) / mm).toBeLessThan(0.02)
      expect(bar.y).toBeGreaterThan(panel.colorBar.y + panel.colorBar.height)
    }
    // No spacing, or the model input shown: no bar.
    expect(figureLayout(buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null }), 1).panels[0]!.scaleBar).toBeUndefined()
    const model = buildFigureSpec({ ...req, display, view: { ...req.view, mode: 'model' } }, { createdAt: req.createdAt!, linkageId: null })
    expect(figureLayout(model, 1).panels[0]!.scaleBar).toBeUndefined()
  })

  it('a colour image with a pixel spacing (no display window) still gets the scale bar the screen draws', () => {
    const req = request(300, 240, { inputMapping: { source: 'file', pixelSpacingRowMm: 0.2, pixelSpacingColumnMm: 0.25 } })
    const spec = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
    expect(spec.panels[0]!.scene.scaleBar).toEqual({ mmPerPicturePx: 0.25 })
    expect(spec.panels[0]!.scene.window).toBeNull()
    expect(figureLayout(spec, 1).texts.find((t) => t.role === 'scale-bar')?.text).toMatch(/^scale: \d+(\.\d+)? (mm|cm)$/)
  })

  it('flags flat maps in the title', () => {
    const req = request()
    const flat = { ...req.result.methods[0]!, heatmap: new Float32Array(224 * 224).fill(2) }
    const spec = buildFigureSpec({ ...req, result: { ...req.result, methods: [flat] } }, { createdAt: req.createdAt!, linkageId: null })
    expect(spec.panels[0]!.degenerate).toBe(true)
    expect(spec.layoutInput.panelTitles[0]).toBe('Mamba-Rollout (flat map)')
  })

  it('user stem is sanitised; default stem never uses a file name', () => {
    expect(build(300, 240, { fileStem: '../x/Figure 2' }).fileStem).toBe('Figure-2')
    // Method and class (index and the card's label) are in the name: two classes never end as `-3` / `-4`.
    expect(build().fileStem).toBe('ml-bbbbbbbbbbbb-mamba-rollout-class1-dog')
    expect(isExportFormat('dicom')).toBe(true)
    expect(isExportFormat('jpg')).toBe(false)
  })
})
