/**
 * One scene for screen and figure (issue 15 item 5). The page shows a grey CT (window, pixel spacing), a
 * pinned patch and an out-of-domain result, then exports its view; the export request goes through main's own
 * export service (main/app/export/export-service.ts) to the FigureRequest, and the figure spec built from it
 * holds, panel for panel, the very scene the panes draw (renderer/src/canvas/pane-scene.ts). Side by side as
 * well: both panes on one shared scale, as in the figure.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { exportView } from '../../../main/app/export/export-service'
import { RunStore } from '../../../main/app/run-store'
import type { ExplainResult } from '../../../main/core/engine/api'
import { buildFigureSpec } from '../../../main/core/export/figure'
import type { FigureRequest } from '../../../main/core/export/types'
import { noopLogger } from '../../../main/core/log'
import { NOT_ASSESSED } from '../../../main/core/trust/domain'
import { setApi } from '../../../renderer/src/api'
import { paneScene } from '../../../renderer/src/canvas/pane-scene'
import { initApp } from '../../../renderer/src/state/app-init'
import { setCompare } from '../../../renderer/src/state/explain-actions'
import { exportCurrentView, openExport } from '../../../renderer/src/state/export-actions'
import { openFile } from '../../../renderer/src/state/image-actions'
import { scene, session } from '../../../renderer/src/state/session'
import { until } from '../../helpers/until'
import { InMemoryFakeEngine } from '../fakes/in-memory-fake-engine'
import { inProcessApi } from '../fakes/in-process-api'

const engine = new InMemoryFakeEngine()
engine.domain = { ...NOT_ASSESSED, inDomain: false, reasons: ['the modality is CT'] }
const api = inProcessApi(engine)
// Main keeps every run the page started (main/app/handlers.ts does it in `run:explain`).
const results = new Map<string, ExplainResult>()
const explain = engine.explain.bind(engine)
engine.explain = async (...args) => {
  const r = await explain(...args)
  results.set(r.runId, r)
  return r
}

/** The figure requests main's export service builds from the page's last export. */
async function figureRequestsOfLastExport(): Promise<FigureRequest[]> {
  const img = session.get().image!
  const picture = scene.get().image!
  const runs = new RunStore()
  const note = {
    windowCenter: img.window.center, windowWidth: img.window.width, unit: img.unit, invert: img.invert,
    pixelSpacingMm: img.pixelSpacingMm === null ? null : { row: img.pixelSpacingMm.row, column: img.pixelSpacingMm.column },
  }
  for (const result of results.values()) {
    runs.add({
      result, imageId: img.imageId, inputKey: img.modelInput.key, mapping: { source: 'file', chosenBy: 'model-card', bits: 8 }, display: picture,
      displayNote: note, source: { kind: 'dicom', fileSha256: 'f'.repeat(64) }, layerRange: null,
    })
  }
  const requests: FigureRequest[] = []
  await exportView(api.exports.at(-1)!, new AbortController().signal, {
    engine, images: { displayFor: () => picture, displayNote: () => note }, runs, appVersion: 'test', log: noopLogger,
    destination: { kind: 'folder', choose: async () => '/figures' }, linkageSalt: async () => '',
    runExport: async (request) => {
      requests.push(request)
      const spec = buildFigureSpec(request, { createdAt: '2026-12-07T00:00:00Z', linkageId: null })
      return { files: [], stem: 'scene-parity', provenance: spec.provenance, warnings: [] }
    },
  })
  return requests
}

const specOf = (r: FigureRequest) => buildFigureSpec(r, { createdAt: '2026-12-07T00:00:00Z', linkageId: null })

describe('screen and figure draw one scene', () => {
  beforeAll(async () => {
    setApi(api)
    scene.setContainerSize(400, 300)
    await initApp()
    await openFile(new File([new Uint8Array(8)], 'ct.dcm'))
    await until(() => scene.get().panes[0] != null && scene.isResultCurrent())
  })

  it('one pane: the exported figure panel is the scene the pane draws', async () => {
    scene.setStyle({ colormap: 'inferno', opacity01: 0.45, threshold01: 0.25 })
    scene.setPinned({ row: 1, col: 2, index: 6 })
    openExport()
    await exportCurrentView({ formats: ['png'], pngScales: [1], caption: '', sidecar: false, showGrid: true, keepLinkageId: false })
    const onScreen = paneScene(scene, session.get(), 0)!
    const [request] = await figureRequestsOfLastExport()
    const inFigure = specOf(request!).panels[0]!.scene
    expect(inFigure).toEqual(onScreen)
    // What they agree on, spelled out: a stale or empty scene would also be equal to itself.
    expect(onScreen.heat).toMatchObject({ colormap: 'inferno', opacity01: 0.45, threshold01: 0.25, rect: { x: 0, y: 0, width: 32, height: 24 } })
    expect(onScreen.pin?.label).toBe('pinned patch 7 (row 2, column 3)')
    expect(onScreen.colorBar).toMatchObject({ name: 'relevance, arbitrary units', scale: 'own min-max' })
    expect(onScreen.window?.short).toBe('W 400 L 40 HU')
    expect(onScreen.scaleBar).toEqual({ mmPerPicturePx: 0.5 })
    expect(onScreen.banner).toMatch(/^This image is unlike/)
  })

  it('"what the model saw" with iso-lines: the model input under the map, no window or scale bar, in both', async () => {
    scene.setViewMode('model')
    scene.setStyle({ contour: true })
    openExport()
    await exportCurrentView({ formats: ['png'], pngScales: [1], caption: '', sidecar: false, showGrid: true, keepLinkageId: false })
    const onScreen = paneScene(scene, session.get(), 0)!
    const [request] = await figureRequestsOfLastExport()
    expect(specOf(request!).panels[0]!.scene).toEqual(onScreen)
    expect(onScreen).toMatchObject({ mode: 'model', window: null, scaleBar: null, picture: { width: 16, height: 16 }, heat: { smooth: false, rect: { x: 0, y: 0, width: 16, height: 16 } } })
    scene.setViewMode('image')
    scene.setStyle({ contour: false })
  })

  it('side by side: both panes on the shared scale the figure uses', async () => {
    setCompare({ enabled: true, methodId: 'mamba-rollout', targetClass: null })
    await until(() => scene.get().panes[1] != null)
    openExport()
    await exportCurrentView({ formats: ['png'], pngScales: [1], caption: '', sidecar: false, showGrid: true, keepLinkageId: false })
    const [request] = await figureRequestsOfLastExport()
    const panels = specOf(request!).panels
    expect(panels.map((p) => p.scene)).toEqual([paneScene(scene, session.get(), 0), paneScene(scene, session.get(), 1)])
    expect(panels[0]!.scene.colorBar?.scale).toBe('shared, relative to mean |relevance|')
  })
})
