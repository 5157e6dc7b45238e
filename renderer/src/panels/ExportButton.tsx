import { useScene } from '../canvas/use-scene'
import { closeExport, openExport } from '../state/export-actions'
import { useSession } from '../state/hooks'

/** Opens the export dialog; available once an overlay is shown (a figure is built from that run). */
export function ExportButton() {
  const hasOverlay = useScene((s) => s.panes.some((p) => p !== null))
  const isOpen = useSession((s) => s.exportUi.open)
  return (
    <button
      type="button"
      id="export-button"
      data-testid="export-button"
      aria-expanded={isOpen}
      aria-controls="export-dialog"
      disabled={!hasOverlay}
      onClick={() => (isOpen ? closeExport() : openExport())}
      title="Export the current view (one method, or the side-by-side comparison) as PNG, SVG, PDF or DICOM"
    >
      Export figure…
    </button>
  )
}
