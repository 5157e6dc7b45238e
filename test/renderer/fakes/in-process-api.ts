/**
 * A `RendererApi` that calls the fake engine in-process (renderer unit tests only). Images are not decoded:
 * any file becomes a 32×24 grey picture, and a file named `corrupt*` fails like a damaged PNG would.
 */
import type { ImageInfoDto, ProgressDto, RendererApi, Result } from '../../../preload/contract'
import type { InMemoryFakeEngine } from './in-memory-fake-engine'

const ok = <T>(value: T): Result<T> => ({ ok: true, value })

export function inProcessApi(engine: InMemoryFakeEngine): RendererApi & { cancelled: string[] } {
  const progress = new Set<(p: ProgressDto) => void>()
  const runs = new Map<string, AbortController>()
  const cancelled: string[] = []
  const info = (name: string): ImageInfoDto => ({
    imageId: `id-${name}`, name, kind: 'raster', width: 32, height: 24, isGray: false, frame: { index: 0, count: 1 }, slice: null,
    modality: 'OT', unit: '', window: { center: 128, width: 256 }, presetId: '', presets: [], invert: false, meta: {},
    display: { width: 32, height: 24, data: new Uint8Array(32 * 24 * 3).fill(128) },
  })
  return {
    cancelled,
    getAppInfo: async () => ok({ appVersion: 'test', mode: 'browser', provider: 'cpu', models: engine.listModels() }),
    listMethods: async () => ok(engine.listMethods()),
    loadImage: async (req) =>
      req.name.startsWith('corrupt')
        ? { ok: false, error: { code: 'image/decode-failed', message: 'This png image could not be decoded; the file may be damaged. Export it again and retry.' } }
        : ok(info(req.name)),
    openImageDialog: async () => ok(info('dialog.png')),
    renderImage: async (req) => ok(info(req.imageId)),
    runExplain: async (req) => {
      const c = new AbortController()
      runs.set(req.requestId, c)
      try {
        const image = { width: 32, height: 24, rgb: new Uint8Array(32 * 24 * 3), sourceSha256: req.imageId }
        return ok(await engine.explain(image, req.options, c.signal, (p) => progress.forEach((cb) => cb({ requestId: req.requestId, ...p }))))
      } catch {
        return { ok: false, error: { code: 'run/cancelled', message: 'The run was cancelled.' } }
      }
    },
    cancelExplain: async (req) => {
      cancelled.push(req.requestId)
      runs.get(req.requestId)?.abort()
      return ok({ cancelled: true })
    },
    drilldown: async (req) => ok(await engine.drilldown(req.runId, req.token)),
    log: async () => ok(null),
    onProgress: (cb) => {
      progress.add(cb)
      return () => progress.delete(cb)
    },
    onCommand: () => () => undefined,
  }
}
