import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { ExportFormatDto } from '../../../preload/export-contract'
import { cancelExport, closeExport, exportCurrentView, type ExportChoices } from '../state/export-actions'
import { useSession } from '../state/hooks'
import { scene, type ExportUiState } from '../state/session'

interface Form {
  readonly png1: boolean; readonly png2: boolean; readonly svg: boolean; readonly pdf: boolean; readonly dicom: boolean
  readonly caption: string; readonly sidecar: boolean; readonly showGrid: boolean; readonly keepLinkageId: boolean
  readonly fileToSourceStudy: boolean
}

const INITIAL: Form = { png1: true, png2: false, svg: false, pdf: false, dicom: false, caption: '', sidecar: false, showGrid: false, keepLinkageId: false, fileToSourceStudy: false }

const FORMAT_BOXES: readonly { key: 'png1' | 'png2' | 'svg' | 'pdf' | 'dicom'; label: string }[] = [
  { key: 'png1', label: 'PNG 1×' }, { key: 'png2', label: 'PNG 2× (print)' }, { key: 'svg', label: 'SVG (editable)' },
  { key: 'pdf', label: 'PDF' }, { key: 'dicom', label: 'DICOM Secondary Capture' },
]

function choicesOf(f: Form, isDicom: boolean): ExportChoices {
  const filed = isDicom && f.dicom && f.fileToSourceStudy
  const formats: ExportFormatDto[] = []
  if (f.png1 || f.png2) formats.push('png')
  if (f.svg) formats.push('svg')
  if (f.pdf) formats.push('pdf')
  if (f.dicom && isDicom) formats.push('dicom')
  return {
    formats, pngScales: [...(f.png1 ? [1] : []), ...(f.png2 ? [2] : [])], caption: f.caption, sidecar: f.sidecar,
    // Filing into the source study puts the real patient ID in the SC, so it replaces the hashed linkage ID.
    showGrid: f.showGrid, keepLinkageId: isDicom && f.keepLinkageId && !filed, fileToSourceStudy: filed,
  }
}

function Report({ report }: { readonly report: NonNullable<ExportUiState['report']> }) {
  const count = `${report.files.length} file${report.files.length === 1 ? '' : 's'}${report.figures > 1 ? ` (${report.figures} figures, one per class)` : ''}`
  return (
    <div className="export-report" role="status" data-testid="export-report">
      {report.downloaded !== undefined ? (
        <p>Made {count}; your browser saves {report.files.length === 1 ? 'it' : 'them'} as <code data-testid="export-download">{report.downloaded}</code> in its downloads folder.</p>
      ) : (
        <p>Wrote {count} to <code data-testid="export-folder">{report.folder}</code></p>
      )}
      <ul>
        {report.files.map((f) => (
          <li key={f.name} data-testid="export-file" data-name={f.name}>
            {f.name} <span className="hint">{f.width !== undefined ? `${f.width}×${f.height}` : ''} {Math.max(1, Math.round(f.bytes / 1024))} KB</span>
          </li>
        ))}
      </ul>
      {report.warnings.map((w) => <p key={w} className="hint">Note: {w}</p>)}
    </div>
  )
}

/** The export dialog (non-modal, so the image stays usable): formats, caption, privacy options, progress, report. */
export function ExportDialog() {
  const ui = useSession((s) => s.exportUi)
  const isDicom = useSession((s) => s.image?.kind === 'dicom')
  const isCompare = useSession((s) => s.compare.enabled)
  const mode = useSession((s) => s.appInfo?.mode)
  const [form, setForm] = useState<Form>(INITIAL)
  const firstRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (!ui.open) return
    firstRef.current?.focus()
    // The figure starts as the screen shows it: the viewer draws the patch grid with a pinned patch.
    setForm((f) => ({ ...f, showGrid: scene.get().pinned !== null }))
  }, [ui.open])
  const choices = choicesOf(form, isDicom)
  const set = (patch: Partial<Form>): void => setForm((f) => ({ ...f, ...patch }))
  const close = (): void => {
    closeExport()
    document.getElementById('export-button')?.focus()
  }
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') close()
  }
  const isRunning = ui.status === 'running'
  return (
    <section id="export-dialog" className="export-dialog" role="dialog" aria-labelledby="export-title" data-testid="export-dialog" hidden={!ui.open} onKeyDown={onKeyDown}>
      <h2 id="export-title">Export figure</h2>
      <p className="hint">
        {isCompare ? 'The side-by-side view (every compared method and class)' : 'The method shown'}, with colour bars, caption and embedded
        provenance. {mode === 'electron' ? 'You choose the folder next.' : 'Your browser downloads the figure (one ZIP when there are several files).'}
      </p>
      <fieldset className="field">
        <legend>Formats</legend>
        {FORMAT_BOXES.filter((b) => b.key !== 'dicom' || isDicom).map((b, i) => (
          <label className="inline" key={b.key}>
            <input ref={i === 0 ? firstRef : undefined} type="checkbox" data-testid={`export-format-${b.key}`} checked={form[b.key]} onChange={(e) => set({ [b.key]: e.target.checked })} />
            {b.label}
          </label>
        ))}
      </fieldset>
      <label htmlFor="export-caption">Your caption (optional; added to the generated one)</label>
      <textarea id="export-caption" data-testid="export-caption" rows={2} maxLength={1000} value={form.caption} onChange={(e) => set({ caption: e.target.value })} />
      <label className="inline"><input type="checkbox" data-testid="export-sidecar" checked={form.sidecar} onChange={(e) => set({ sidecar: e.target.checked })} /> Also write the provenance as JSON</label>
      <label className="inline"><input type="checkbox" data-testid="export-grid" checked={form.showGrid} onChange={(e) => set({ showGrid: e.target.checked })} /> Draw the patch grid</label>
      {isDicom && form.dicom && (
        <label className="inline">
          <input type="checkbox" data-testid="export-source-study" checked={form.fileToSourceStudy} onChange={(e) => set({ fileToSourceStudy: e.target.checked })} />
          File the DICOM figure into the source study (it then keeps the patient’s name, ID, dates and study; the other files stay de-identified)
        </label>
      )}
      {isDicom && !choices.fileToSourceStudy && (
        <label className="inline">
          <input type="checkbox" data-testid="export-linkage" checked={form.keepLinkageId} onChange={(e) => set({ keepLinkageId: e.target.checked })} />
          Keep a hashed linkage ID (a salted hash, never the patient ID)
        </label>
      )}
      {ui.status === 'confirm-burned-in' && (
        <div className="export-confirm" role="alert" data-testid="export-confirm">
          <p>{ui.error?.message}</p>
          <button type="button" data-testid="export-confirm-button" onClick={() => void exportCurrentView(choices, true)}>
            I checked: the pixels carry no patient details. Export anyway
          </button>
        </div>
      )}
      {ui.status === 'confirm-burned-in-text' && (
        <div className="export-confirm" role="alert" data-testid="export-burned-in-text">
          <p>{ui.error?.message}</p>
          <button type="button" data-testid="export-mask-text" onClick={() => void exportCurrentView(choices, false, 'mask')}>
            Mask the text and export
          </button>
          <button type="button" data-testid="export-keep-text" onClick={() => void exportCurrentView(choices, false, 'keep')}>
            I checked: the text carries no patient details. Keep it
          </button>
        </div>
      )}
      {isRunning && (
        <div className="export-progress" role="status" data-testid="export-progress">
          <span>Writing the figure in the background; you can keep working.</span>
          <progress aria-label="Export in progress" />
          <button type="button" data-testid="export-cancel" onClick={() => void cancelExport()}>Cancel export</button>
        </div>
      )}
      {ui.status === 'error' && ui.error !== null && (
        <div className="error-inline" role="alert" data-testid="export-error" data-code={ui.error.code}>
          <strong>The figure was not exported.</strong> {ui.error.message}
        </div>
      )}
      {ui.status === 'done' && ui.report !== null && <Report report={ui.report} />}
      <div className="dialog-buttons">
        <button type="button" className="primary" data-testid="export-run" disabled={isRunning || choices.formats.length === 0 || (choices.formats.includes('png') && choices.pngScales.length === 0)} onClick={() => void exportCurrentView(choices)}>
          Export
        </button>
        <button type="button" onClick={close}>Close</button>
      </div>
    </section>
  )
}
