/**
 * What each channel does. Thin on purpose: the engine explains, the image store loads and renders, the export
 * service writes figures; this file only wires requests to them, keeps each run for export (RunStore), tracks
 * cancellable runs and exports, and forwards progress to the caller that asked.
 */
import type { Engine } from '../core/engine/api'
import type { Logger } from '../core/log'
import type { AppInfoDto } from '../../preload/contract'
import type { Handlers } from './dispatch'
import { IpcError } from './errors'
import { exportView, type ExportServiceDeps } from './export/export-service'
import type { ImageStore } from './image-store'
import { rendererLogText } from './logging'
import type { RunStore } from './run-store'

export interface HandlerDeps {
  readonly engine: Engine
  readonly images: ImageStore
  readonly appVersion: string
  readonly mode: AppInfoDto['mode']
  readonly log: Logger
  /** Electron's native Open dialog; absent in browser mode, where the page shows a file picker itself. */
  readonly openDialog?: () => Promise<{ name: string; bytes: Uint8Array } | null>
  /** Every explained run, by runId, for `export:figure`. */
  readonly runStore: RunStore
  /** Destination (folder dialog or browser download), linkage salt and the runner (a worker thread in the app). */
  readonly exports: Pick<ExportServiceDeps, 'destination' | 'linkageSalt' | 'runExport'>
}

/** Runs in flight, by the page's request id, so `explain:cancel` can abort them. */
export class RunRegistry {
  private readonly runs = new Map<string, AbortController>()

  start(requestId: string): AbortSignal {
    // A reused id means the page lost track of the earlier run; cancel it rather than leak it.
    this.runs.get(requestId)?.abort()
    const c = new AbortController()
    this.runs.set(requestId, c)
    return c.signal
  }

  finish(requestId: string, signal: AbortSignal): void {
    const c = this.runs.get(requestId)
    if (c?.signal === signal) this.runs.delete(requestId)
  }

  cancel(requestId: string): boolean {
    const c = this.runs.get(requestId)
    if (c === undefined) return false
    c.abort()
    this.runs.delete(requestId)
    return true
  }

  cancelAll(): void {
    for (const c of this.runs.values()) c.abort()
    this.runs.clear()
  }

  get size(): number {
    return this.runs.size
  }
}

export function createHandlers(deps: HandlerDeps, runs = new RunRegistry(), exportsInFlight = new RunRegistry()): Handlers {
  const { engine, images, runStore } = deps
  const rendererLog = deps.log.child('renderer')
  const exportDeps: ExportServiceDeps = { ...deps.exports, engine, images, runs: runStore, appVersion: deps.appVersion, log: deps.log }
  return {
    'app:info': async () => ({
      appVersion: deps.appVersion,
      mode: deps.mode,
      provider: engine.provider(),
      models: engine.listModels(),
    }),
    'methods:list': async (req) => engine.listMethods(req.modelId),
    'image:load': async (req) => images.load(req.name, req.bytes),
    'image:open-dialog': async () => {
      if (deps.openDialog === undefined) throw new IpcError('ipc/unsupported')
      const file = await deps.openDialog()
      return file === null ? null : images.load(file.name, file.bytes)
    },
    'image:render': async (req) => images.render(req),
    'image:value': async (req) => images.pixelValue(req.imageId, req.x, req.y),
    // The reply is the only place these values go: the dispatcher logs channel and timing, never a result.
    'image:phi': async (req) => images.patientDetails(req.imageId),
    'explain:run': async (req, ctx) => {
      const input = images.explainInput(req.imageId, req.options.modelId)
      const signal = runs.start(req.requestId)
      try {
        // A DICOM file's Modality is checked against the model card's domain (docs/TRUST.md).
        const declared = input.scan.kind === 'dicom' ? { modality: input.scan.modality } : {}
        const result = await engine.explain({ ...input.engineImage, ...declared }, req.options, signal, (p) =>
          ctx.emit('explain:progress', { requestId: req.requestId, stage: p.stage, fraction: p.fraction }),
        )
        const { startLayer, endLayer } = req.options
        runStore.add({
          result, imageId: req.imageId, inputKey: input.inputKey, mapping: input.mapping, display: input.display,
          ...(input.displayNote !== undefined ? { displayNote: input.displayNote } : {}),
          source: {
            kind: input.scan.kind, fileSha256: req.imageId, phi: input.scan.phi, meta: input.scan.meta,
            ...(input.scan.burnedInAnnotation !== undefined ? { burnedInAnnotation: input.scan.burnedInAnnotation } : {}),
          },
          layerRange: startLayer !== undefined && endLayer !== undefined ? { start: startLayer, end: endLayer } : null,
        })
        return { ...result, inputMapping: input.mapping }
      } finally {
        runs.finish(req.requestId, signal)
      }
    },
    'explain:cancel': async (req) => ({ cancelled: runs.cancel(req.requestId) }),
    'explain:drilldown': async (req) => engine.drilldown(req.runId, req.token),
    'explain:faithfulness': async (req) => engine.faithfulness(req.runId, req.methodId),
    'export:figure': async (req) => {
      const signal = exportsInFlight.start(req.requestId)
      try {
        return await exportView(req, signal, exportDeps)
      } finally {
        exportsInFlight.finish(req.requestId, signal)
      }
    },
    'export:cancel': async (req) => ({ cancelled: exportsInFlight.cancel(req.requestId) }),
    'log:write': async (req) => {
      rendererLog[req.level](rendererLogText(req.message))
      return null
    },
  }
}
