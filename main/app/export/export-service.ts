/**
 * `export:figure`: from the page's description of its view (run ids, methods, overlay settings) to
 * `exportFigure` requests built from the runs main kept (RunStore), then one report in words the page can show.
 * The page never sends a folder: Electron asks the user with a native dialog; browser mode writes into a
 * private temporary folder and sends the files back as one download (download.ts). A figure explains one
 * class, so a side-by-side view of two classes becomes two figures; two methods of one class become one
 * figure with two panels.
 */
import { basename } from 'node:path'
import type { Engine } from '../../core/engine/api'
import { AppError } from '../../core/errors'
import type { ExportReport, FigureRequest } from '../../core/export/types'
import type { Logger } from '../../core/log'
import { trainedOnNameOf } from '../../core/trust/report'
import type { FaithfulnessCheck } from '../../core/trust/types'
import type { ExportFigureRequest, ExportReportDto } from '../../../preload/export-contract'
import type { ImageStore } from '../image-store'
import type { RunRecord, RunStore } from '../run-store'
import { downloadOf, removeStaging, stagingFolder } from './download'
import type { ExportRunner } from './export-thread'

/** Where an export goes: the folder the user picks (Electron; null = cancelled), or a browser download. */
export type ExportDestination = { readonly kind: 'folder'; readonly choose: () => Promise<string | null> } | { readonly kind: 'download' }

export interface ExportServiceDeps {
  readonly engine: Pick<Engine, 'listModels' | 'listMethods' | 'faithfulness'>
  readonly images: Pick<ImageStore, 'displayFor' | 'displayNote'>
  readonly runs: RunStore
  readonly appVersion: string
  readonly log: Logger
  readonly destination: ExportDestination
  /** The site secret for the opt-in linkage ID (docs/EXPORT.md, Privacy). */
  readonly linkageSalt: () => Promise<string>
  readonly runExport: ExportRunner
}

/** Panes grouped by run, in display order: one figure per run, one panel per distinct method. */
function figuresOf(req: ExportFigureRequest, runs: RunStore): { record: RunRecord; methodIds: string[] }[] {
  const groups = new Map<string, { record: RunRecord; methodIds: string[] }>()
  for (const pane of req.panes) {
    const record = runs.get(pane.runId)
    // Main keeps more runs than the page shows, so this happens only after a restart of the services.
    if (record === undefined) throw new AppError('export/invalid-request', { detail: { reason: 'run no longer available' } })
    const g = groups.get(pane.runId) ?? { record, methodIds: [] }
    if (!g.methodIds.includes(pane.methodId)) g.methodIds.push(pane.methodId)
    groups.set(pane.runId, g)
  }
  return [...groups.values()]
}

async function figureRequest(req: ExportFigureRequest, fig: { record: RunRecord; methodIds: string[] }, deps: ExportServiceDeps, signal: AbortSignal): Promise<FigureRequest> {
  const { record } = fig
  const r = record.result
  const model = deps.engine.listModels().find((m) => m.id === r.modelId)
  if (model === undefined) throw new AppError('model/not-found', { detail: { modelId: r.modelId } })
  const labels = Object.fromEntries(deps.engine.listMethods(r.modelId).map((m) => [m.id, m.label]))
  // The quick deletion check of each shown map goes into the figure's trust record (docs/TRUST.md).
  const faithfulness: Record<string, FaithfulnessCheck | null> = {}
  for (const id of fig.methodIds) faithfulness[id] = await deps.engine.faithfulness(r.runId, id, signal)
  const trainedOnName = trainedOnNameOf(model.card)
  // The current display when the model still sees the same pixels (the run stays valid while the reader
  // changes the window), else the rendition that was on screen when the run started; its window goes with it.
  const current = deps.images.displayFor(record.imageId, record.inputKey, r.modelId)
  const display = current !== undefined ? deps.images.displayNote(record.imageId) : record.displayNote
  return {
    faithfulness, ...(trainedOnName !== undefined ? { trainedOnName } : {}),
    result: r,
    image: current ?? record.display,
    ...(display !== undefined ? { display } : {}),
    model,
    view: { ...req.view, methodIds: fig.methodIds, layerRange: record.layerRange },
    source: record.source,
    appVersion: deps.appVersion,
    methodLabels: labels,
    inputMapping: record.mapping,
    ...(req.caption !== undefined && req.caption.trim() !== '' ? { caption: req.caption.trim() } : {}),
  }
}

/** Exports the view; `null` when the user cancelled the folder dialog. Throws AppError (export/*, run/cancelled). */
export async function exportView(req: ExportFigureRequest, signal: AbortSignal, deps: ExportServiceDeps): Promise<ExportReportDto | null> {
  const figures = figuresOf(req, deps.runs)
  const requests: FigureRequest[] = []
  for (const f of figures) requests.push(await figureRequest(req, f, deps, signal))
  const toFolder = deps.destination.kind === 'folder'
  const folder = toFolder ? await deps.destination.choose() : await stagingFolder()
  if (folder === null) return null
  try {
    const reports = await runAll(req, requests, folder, signal, deps)
    const download = toFolder ? undefined : await downloadOf(reports, new Date(reports[0]?.provenance.createdAt ?? Date.now()))
    return { ...reportOf(req, figures, reports, deps), folder: toFolder ? folder : null, ...(download !== undefined ? { download } : {}) }
  } finally {
    if (!toFolder) await removeStaging(folder)
  }
}

async function runAll(req: ExportFigureRequest, requests: readonly FigureRequest[], folder: string, signal: AbortSignal, deps: ExportServiceDeps): Promise<ExportReport[]> {
  const linkageSalt = req.keepLinkageId ? await deps.linkageSalt() : undefined
  const reports: ExportReport[] = []
  for (const request of requests) {
    reports.push(await deps.runExport(request, {
      outDir: folder,
      formats: req.formats,
      scales: req.pngScales,
      sidecar: req.sidecar,
      keepLinkageId: req.keepLinkageId,
      ...(req.fileToSourceStudy === true ? { fileToSourceStudy: true } : {}),
      ...(linkageSalt !== undefined ? { linkageSalt } : {}),
      acceptBurnedInAnnotation: req.acceptBurnedInAnnotation,
      ...(req.burnedInText !== undefined ? { burnedInText: req.burnedInText } : {}),
      signal,
    }))
  }
  return reports
}

function reportOf(req: ExportFigureRequest, figures: readonly { record: RunRecord; methodIds: string[] }[], reports: readonly ExportReport[], deps: ExportServiceDeps): Omit<ExportReportDto, 'folder'> {
  const files = reports.flatMap((rep) => rep.files.map((f) => ({
    name: basename(f.path), format: f.format, bytes: f.bytes,
    ...(f.width !== undefined ? { width: f.width } : {}), ...(f.height !== undefined ? { height: f.height } : {}),
    ...(f.scale !== undefined ? { scale: f.scale } : {}),
  })))
  // Ids and counts only (STYLE.md §2.6): no folder, no caption, no file names.
  deps.log.child('export').info('view exported', {
    figures: reports.length, files: files.length, formats: req.formats, methods: figures.flatMap((f) => f.methodIds),
    inputSha256: figures[0]?.record.imageId.slice(0, 12) ?? '',
  })
  return { figures: reports.length, files, warnings: [...new Set(reports.flatMap((rep) => rep.warnings))] }
}
