/**
 * Export and scan interactions of the renderer against the in-memory fake engine: the export names the shown
 * runs and methods (one pane or both of the comparison), takes the view settings from the scene, asks to
 * confirm burned-in text when main says so; a right-drag previews windows and explains once on release; with
 * full-range model input a window change needs no new run; the pixel readout follows the pointer.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { setApi } from '../../../renderer/src/api'
import { exportCurrentView, openExport, type ExportChoices } from '../../../renderer/src/state/export-actions'
import { initApp } from '../../../renderer/src/state/app-init'
import { setCompare } from '../../../renderer/src/state/explain-actions'
import { openFile, renderImage } from '../../../renderer/src/state/image-actions'
import { endWindowDrag, hoverPixel, moveWindowDrag, startWindowDrag } from '../../../renderer/src/state/scan-actions'
import { scene, session } from '../../../renderer/src/state/session'
import { InMemoryFakeEngine } from '../fakes/in-memory-fake-engine'
import { inProcessApi } from '../fakes/in-process-api'
import { until } from '../../helpers/until'

const engine = new InMemoryFakeEngine()
const api = inProcessApi(engine)
const CHOICES: ExportChoices = { formats: ['png', 'svg'], pngScales: [1, 2], caption: '  my note  ', sidecar: true, showGrid: false, keepLinkageId: false }

describe('export (fake engine)', () => {
  beforeAll(async () => {
    setApi(api)
    scene.setContainerSize(400, 300)
    await initApp()
    await openFile(new File([new Uint8Array(8)], 'photo.png'))
  })

  it('exports the shown pane with the scene\'s look and reports the files', async () => {
    scene.setStyle({ colormap: 'inferno', opacity01: 0.4 })
    scene.setPinned({ row: 1, col: 2, index: 6 })
    openExport()
    await exportCurrentView(CHOICES)
    const req = api.exports.at(-1)!
    const pane = scene.get().panes[0]!
    expect(req.panes).toEqual([{ runId: pane.runId, methodId: pane.methodId }])
    expect(req.view).toEqual({ colormap: 'inferno', opacity01: 0.4, threshold01: 0, contour: false, showGrid: false, pinnedPatch: 6, mode: 'image' })
    expect(req).toMatchObject({ formats: ['png', 'svg'], pngScales: [1, 2], caption: 'my note', sidecar: true, acceptBurnedInAnnotation: false })
    expect(session.get().exportUi).toMatchObject({ open: true, status: 'done', report: { folder: '/exports' } })
    // Filing a DICOM figure into the source study is sent only when chosen.
    expect(req.fileToSourceStudy).toBeUndefined()
    await exportCurrentView({ ...CHOICES, formats: ['dicom'], fileToSourceStudy: true })
    expect(api.exports.at(-1)).toMatchObject({ formats: ['dicom'], fileToSourceStudy: true, keepLinkageId: false })
  })

  it('side by side: both panes go to main (main makes one figure per class)', async () => {
    setCompare({ enabled: true, methodId: 'mamba-rollout' })
    await until(() => scene.get().panes.length === 2 && scene.get().panes[1] !== null)
    await exportCurrentView(CHOICES)
    expect(api.exports.at(-1)!.panes.map((p) => p.methodId)).toEqual(['mamba-attribution', 'mamba-rollout'])
    setCompare({ enabled: false })
    await until(() => scene.get().panes.length === 1)
  })

  it('burned-in annotation: asks, then re-sends with the confirmation; other errors are shown in words', async () => {
    api.nextExportError = { code: 'export/burned-in-annotation', message: 'marked as burned in' }
    await exportCurrentView(CHOICES)
    expect(session.get().exportUi.status).toBe('confirm-burned-in')
    await exportCurrentView(CHOICES, true)
    expect(api.exports.at(-1)!.acceptBurnedInAnnotation).toBe(true)
    expect(session.get().exportUi.status).toBe('done')
    api.nextExportError = { code: 'export/phi-detected', message: 'would contain patient details' }
    await exportCurrentView(CHOICES)
    expect(session.get().exportUi).toMatchObject({ status: 'error', error: { code: 'export/phi-detected' } })
  })
})

describe('scans (fake engine)', () => {
  it('right-drag changes only the display: the model card fixes the input, so nothing is re-run', async () => {
    await openFile(new File([new Uint8Array(8)], 'ct.dcm'))
    await until(() => session.get().result !== null && session.get().busy === null)
    const calls = engine.explainCalls.length
    const runId = session.get().result?.runId
    expect(startWindowDrag()).toBe(true)
    moveWindowDrag(30, 0)
    moveWindowDrag(60, -10)
    await until(() => session.get().image?.presetId === '')
    endWindowDrag()
    await until(() => api.renders.at(-1)?.window !== undefined && session.get().busy === null)
    await new Promise((r) => setTimeout(r, 20))
    const last = api.renders.at(-1)!
    expect(last.window?.width).toBeGreaterThan(400)
    expect(session.get().image?.window).toEqual(last.window)
    expect(engine.explainCalls).toHaveLength(calls)
    expect(session.get().result?.runId).toBe(runId)
  })

  it('a plain right click (no move) changes nothing', async () => {
    const renders = api.renders.length
    expect(startWindowDrag()).toBe(true)
    endWindowDrag()
    await new Promise((r) => setTimeout(r, 20))
    expect(api.renders).toHaveLength(renders)
  })

  it('the reader asks explicitly for the shown window: one run; later window changes need none', async () => {
    await renderImage({ presetId: 'ct-lung' })
    const calls = engine.explainCalls.length
    await renderImage({ modelInput: 'reader-window' })
    await until(() => session.get().busy === null && engine.explainCalls.length === calls + 1)
    await renderImage({ presetId: 'ct-soft-tissue' })
    expect(engine.explainCalls).toHaveLength(calls + 1)
    await renderImage({ modelInput: 'model-card' })
    await until(() => session.get().busy === null)
    expect(engine.explainCalls).toHaveLength(calls + 1) // the card's input was explained before: cached
  })

  it('the pixel readout follows the pointer and clears when it leaves', async () => {
    hoverPixel({ x: 3.6, y: 2.2 })
    await until(() => session.get().pixel !== null)
    expect(session.get().pixel).toEqual({ x: 3, y: 2, kind: 'gray', value: -523, unit: 'HU' })
    hoverPixel(null)
    expect(session.get().pixel).toBeNull()
  })
})
