/**
 * Exporting the current view as a figure. The page describes what it shows (the runs and methods of its
 * panes, the overlay settings); main builds the figure from the numbers it kept and writes the files in a
 * worker thread, so the page stays responsive and the user can keep working meanwhile. Electron: into the
 * folder the user picks; browser mode: main sends them back and the browser downloads them.
 */
import type { ExportFigureRequest, ExportFormatDto } from '../../../preload/export-contract'
import { getApi } from '../api'
import { saveDownload } from '../save-download'
import { IDLE_EXPORT, scene, session, type ExportUiState } from './session'

/** What the user chose in the export dialog. */
export interface ExportChoices {
  readonly formats: readonly ExportFormatDto[]
  readonly pngScales: readonly number[]
  readonly caption: string
  readonly sidecar: boolean
  readonly showGrid: boolean
  readonly keepLinkageId: boolean
  /** DICOM SC filed back into the source study, with its identifiers (explicit opt-in; absent = off). */
  readonly fileToSourceStudy?: boolean
}

let seq = 0

function setExport(patch: Partial<ExportUiState>): void {
  session.set((s) => ({ exportUi: { ...s.exportUi, ...patch } }))
}

export function openExport(): void {
  // A new dialog starts clean, except for an export still running (its progress stays visible).
  session.set((s) => ({ exportUi: s.exportUi.status === 'running' ? { ...s.exportUi, open: true } : { ...IDLE_EXPORT, open: true } }))
}

export function closeExport(): void {
  setExport({ open: false })
}

/** The panes on screen, left to right, as main knows them (run id + method). */
export function shownPanes(): ExportFigureRequest['panes'] {
  return scene.get().panes.flatMap((p) => (p === null ? [] : [{ runId: p.runId, methodId: p.methodId }]))
}

/**
 * Exports the view; `acceptBurnedInAnnotation` is set after the user confirmed the pixels carry no patient
 * text; `burnedInText` after main found text on the pixels and the user chose to mask or keep it.
 */
export async function exportCurrentView(choices: ExportChoices, acceptBurnedInAnnotation = false, burnedInText?: 'mask' | 'keep'): Promise<void> {
  const panes = shownPanes()
  if (panes.length === 0 || session.get().exportUi.status === 'running') return
  const sc = scene.get()
  seq += 1
  const requestId = `x${Date.now().toString(36)}-${seq}`
  setExport({ status: 'running', requestId, report: null, error: null })
  const caption = choices.caption.trim()
  const r = await getApi().exportFigure({
    requestId,
    panes,
    view: {
      colormap: sc.style.colormap, opacity01: sc.style.opacity01, threshold01: sc.style.threshold01, contour: sc.style.contour,
      showGrid: choices.showGrid, pinnedPatch: sc.pinned?.index ?? null, mode: sc.viewMode,
    },
    formats: choices.formats,
    pngScales: choices.pngScales,
    ...(caption !== '' ? { caption } : {}),
    sidecar: choices.sidecar,
    keepLinkageId: choices.keepLinkageId,
    ...(choices.fileToSourceStudy === true ? { fileToSourceStudy: true } : {}),
    acceptBurnedInAnnotation,
    ...(burnedInText !== undefined ? { burnedInText } : {}),
  })
  // Cancelled (or a newer export started): this answer is no longer wanted.
  if (session.get().exportUi.requestId !== requestId) return
  if (r.ok) {
    if (r.value === null) {
      setExport({ status: 'idle', requestId: null })
      return
    }
    // Browser mode: the browser saves the file; the dialog keeps only its name.
    const { download, ...report } = r.value
    if (download !== undefined) saveDownload(download)
    setExport({ status: 'done', requestId: null, report: { ...report, ...(download !== undefined ? { downloaded: download.name } : {}) } })
    return
  }
  if (r.error.code === 'export/burned-in-annotation' || r.error.code === 'export/burned-in-text') {
    setExport({ status: r.error.code === 'export/burned-in-text' ? 'confirm-burned-in-text' : 'confirm-burned-in', requestId: null, error: r.error })
    return
  }
  setExport({ status: r.error.code === 'run/cancelled' ? 'idle' : 'error', requestId: null, error: r.error })
  // The code only (STYLE.md §2.6): never the caption, the folder or file names.
  if (r.error.code !== 'run/cancelled') void getApi().log({ level: 'warn', message: `export failed: ${r.error.code}` })
}

/** Cancel button of the export progress: main stops at the next step and leaves the folder as it was. */
export async function cancelExport(): Promise<void> {
  const id = session.get().exportUi.requestId
  if (id === null) return
  setExport({ status: 'idle', requestId: null })
  await getApi().cancelExport({ requestId: id })
}
