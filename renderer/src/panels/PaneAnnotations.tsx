import { scaleBar } from '@core/ui/scan-view'
import { useScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'

/**
 * Drawn over a pane, outside Konva (text and a line; they change only with zoom): the millimetre scale bar
 * where the file gives a pixel spacing, and the anatomical labels of the edges for oriented volumes (NIfTI).
 * The heatmap sits on the original pixel grid, so the same bar measures image and overlay.
 */
export function PaneAnnotations() {
  const spacing = useSession((s) => s.image?.pixelSpacingMm ?? null)
  const orientation = useSession((s) => s.image?.orientation ?? null)
  const hasImage = useScene((s) => s.image !== null)
  const scale = useScene((s) => s.viewport.scale)
  const isModelView = useScene((s) => s.viewMode === 'model' && s.preview !== null)
  // In "what the model saw" one shown pixel covers crop.width / modelWidth image pixels.
  const imagePxPerShownPx = useScene((s) => (s.imageFrame === null ? 1 : s.imageFrame.crop.width / s.imageFrame.modelWidth))
  if (!hasImage) return null
  const mmPerShownPx = spacing === null ? 0 : spacing.column * (isModelView ? imagePxPerShownPx : 1)
  const bar = spacing === null ? null : scaleBar(mmPerShownPx / scale)
  const edges = orientation !== null && orientation.source !== 'none' && !isModelView ? orientation.edges : null
  return (
    <div className="pane-annotations" aria-hidden={bar === null && edges === null}>
      {bar !== null && (
        <div className="scale-bar" data-testid="scale-bar" data-mm={bar.mm} role="img" aria-label={`Scale bar: ${bar.label} (${spacing?.source})`}>
          <div className="scale-bar-line" style={{ width: `${bar.px}px` }} />
          <span>{bar.label}</span>
        </div>
      )}
      {edges !== null && (
        <>
          <span className="orient orient-left" data-testid="orient-left">{edges.left}</span>
          <span className="orient orient-right">{edges.right}</span>
          <span className="orient orient-top">{edges.top}</span>
          <span className="orient orient-bottom">{edges.bottom}</span>
        </>
      )}
    </div>
  )
}
