import { OverlayCanvas } from '../canvas/OverlayCanvas'
import { useScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'
import { ColorBar } from './ColorBar'
import { DropZone } from './DropZone'
import { ErrorNote } from './ErrorNote'
import { ExportDialog } from './ExportDialog'
import { HoverReadout } from './HoverReadout'
import { PaneAnnotations } from './PaneAnnotations'
import { ProgressOverlay } from './ProgressOverlay'

/** The image area: one pane, or two side by side, each with its colour bar; errors and progress on top. */
export function Viewer() {
  const hasImage = useScene((s) => s.image !== null)
  // Joined to a string: a selector must return a stable value, and a fresh array never is.
  const labelKey = useScene((s) => s.panes.map((p) => p?.label ?? '').join('\n'))
  const isCompare = useSession((s) => s.compare.enabled)
  const firstOverlayMs = useSession((s) => s.firstOverlayMs)
  const overlayRenderMs = useSession((s) => s.overlayRenderMs)
  const panes: (0 | 1)[] = isCompare ? [0, 1] : [0]
  return (
    <section className="viewer" aria-label="Image and heatmap" data-testid="viewer" data-first-overlay-ms={firstOverlayMs ?? ''} data-overlay-render-ms={overlayRenderMs ?? ''}>
      <DropZone>
        <div className="panes">
          {panes.map((i) => (
            <div className="pane" key={i}>
              <div className="pane-title" data-testid={`pane-title-${i}`}>{labelKey.split('\n')[i] ?? ''}</div>
              <div className="pane-body">
                <div className="pane-canvas">
                  <OverlayCanvas paneIndex={i} />
                  <PaneAnnotations />
                </div>
                <ColorBar paneIndex={i} />
              </div>
            </div>
          ))}
        </div>
        {!hasImage && (
          <div className="empty" data-testid="empty-hint">
            <p>Drop an image here (PNG, JPEG, DICOM or NIfTI), or use <strong>Open image…</strong></p>
          </div>
        )}
        <ErrorNote />
        <ProgressOverlay />
      </DropZone>
      <ExportDialog />
      <HoverReadout />
    </section>
  )
}
