/**
 * A `RendererApi` that calls the fake engine in-process (renderer unit tests only). Images are not decoded:
 * any file becomes a 32×24 grey picture, and a file named `corrupt*` fails like a damaged PNG would. A file
 * named `*.dcm` loads as a grey CT with presets, pixel spacing and one identifying attribute. Exports are
 * recorded and answered with a report (or `nextExportError`).
 */
import type {
  ErrorDto, ImageInfoDto, ImageRenderRequest, ModelInputSourceDto, ProgressDto, RendererApi, Result,
} from '../../../preload/contract'
import type { ExportFigureRequest } from '../../../preload/export-contract'
import type { InMemoryFakeEngine } from './in-memory-fake-engine'

const ok = <T>(value: T): Result<T> => ({ ok: true, value })

export type FakeApi = RendererApi & {
  cancelled: string[]
  exports: ExportFigureRequest[]
  renders: ImageRenderRequest[]
  nextExportError: ErrorDto | null
}

export function inProcessApi(engine: InMemoryFakeEngine): FakeApi {
  const progress = new Set<(p: ProgressDto) => void>()
  const runs = new Map<string, AbortController>()
  const state = {
    window: { center: 40, width: 400 }, presetId: 'ct-soft-tissue', modelInput: 'model-card' as ModelInputSourceDto, readerWindow: '',
  }
  const info = (name: string): ImageInfoDto => {
    const dicom = name.endsWith('.dcm')
    // As main keys it: the display window reaches the model only through an explicit 'reader-window' snapshot.
    const key = dicom ? `${state.modelInput}|${state.readerWindow}` : 'rgb'
    return {
      imageId: `id-${name}`, name, kind: dicom ? 'dicom' : 'raster', width: 32, height: 24, isGray: dicom, frame: { index: 0, count: 1 }, slice: null,
      modality: dicom ? 'CT' : 'OT', unit: dicom ? 'HU' : '', valueRange: dicom ? { min: -1024, max: 2000 } : null,
      window: dicom ? state.window : { center: 128, width: 256 }, presetId: dicom ? state.presetId : '',
      presets: dicom ? [{ id: 'ct-soft-tissue', label: 'Soft tissue', source: 'modality' }, { id: 'ct-lung', label: 'Lung', source: 'modality' }] : [],
      invert: false, pixelSpacingMm: dicom ? { row: 0.5, column: 0.5, source: 'PixelSpacing' } : null, orientation: null,
      modelInput: { source: state.modelInput, key, mapping: { source: state.modelInput, bits: 8 } }, phiCount: dicom ? 1 : 0, meta: {},
      display: { width: 32, height: 24, data: new Uint8Array(32 * 24 * 3).fill(128) },
    }
  }
  const api: FakeApi = {
    cancelled: [],
    exports: [],
    renders: [],
    nextExportError: null,
    getAppInfo: async () => ok({ appVersion: 'test', mode: 'browser', provider: 'cpu', models: engine.listModels() }),
    listMethods: async () => ok(engine.listMethods()),
    loadImage: async (req) =>
      req.name.startsWith('corrupt')
        ? { ok: false, error: { code: 'image/decode-failed', message: 'This png image could not be decoded; the file may be damaged. Export it again and retry.' } }
        : ok(info(req.name)),
    openImageDialog: async () => ok(info('dialog.png')),
    renderImage: async (req) => {
      api.renders.push(req)
      if (req.window !== undefined) [state.window, state.presetId] = [req.window, '']
      if (req.presetId !== undefined) [state.presetId, state.window] = [req.presetId, req.presetId === 'ct-lung' ? { center: -600, width: 1500 } : { center: 40, width: 400 }]
      if (req.modelInput !== undefined) {
        state.modelInput = req.modelInput
        state.readerWindow = req.modelInput === 'reader-window' ? `${state.window.center}/${state.window.width}` : ''
      }
      return ok(info(req.imageId.slice(3)))
    },
    getPixelValue: async (req) => ok({ x: req.x, y: req.y, kind: 'gray', value: -523, unit: 'HU' }),
    getPatientDetails: async () => ok({ fields: [{ keyword: 'PatientName', value: 'Testperson^Alice' }] }),
    runExplain: async (req) => {
      const c = new AbortController()
      runs.set(req.requestId, c)
      try {
        const image = { width: 32, height: 24, rgb: new Uint8Array(32 * 24 * 3), sourceSha256: req.imageId }
        const result = await engine.explain(image, req.options, c.signal, (p) => progress.forEach((cb) => cb({ requestId: req.requestId, ...p })))
        return ok({ ...result, inputMapping: { source: 'file', chosenBy: 'model-card', bits: 8 } })
      } catch {
        return { ok: false, error: { code: 'run/cancelled', message: 'The run was cancelled.' } }
      }
    },
    cancelExplain: async (req) => {
      api.cancelled.push(req.requestId)
      runs.get(req.requestId)?.abort()
      return ok({ cancelled: true })
    },
    drilldown: async (req) => ok(await engine.drilldown(req.runId, req.token)),
    faithfulness: async (req) => ok(await engine.faithfulness(req.runId, req.methodId)),
    exportFigure: async (req) => {
      api.exports.push(req)
      const error = api.nextExportError
      api.nextExportError = null
      if (error !== null) return { ok: false, error }
      const files = req.formats.map((f) => ({ name: `ml-test.${f}`, format: f, bytes: 2048 }))
      return ok({ folder: '/exports', figures: 1, files, warnings: [] })
    },
    cancelExport: async () => ok({ cancelled: true }),
    log: async () => ok(null),
    onProgress: (cb) => {
      progress.add(cb)
      return () => progress.delete(cb)
    },
    onCommand: () => () => undefined,
  }
  return api
}
