import { formatValue } from '@core/ui/heatmap-image'
import { formatPixel } from '@core/ui/scan-view'
import { useScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'

/**
 * Under the pointer: the image pixel's value (modality units for scans, e.g. HU for CT) and the relevance
 * and rank of the patch (or the pinned one), for each pane.
 */
export function HoverReadout() {
  const cell = useScene((s) => s.hover ?? s.pinned)
  const panes = useScene((s) => s.panes)
  const grid = useScene((s) => s.grid)
  const pixel = useSession((s) => s.pixel)
  const hasPatch = cell !== null && grid !== null
  if (!hasPatch && pixel === null) return <div className="readout" aria-hidden="true" />
  const total = grid === null ? 0 : grid.gridRows * grid.gridCols
  return (
    <div className="readout" data-testid="hover-readout">
      {pixel !== null && <span data-testid="pixel-readout">Pixel {formatPixel(pixel)}</span>}
      {hasPatch && <span>Patch row {cell.row + 1}, column {cell.col + 1}</span>}
      {hasPatch && panes.map((p, i) =>
        p === null ? null : (
          <span key={i}>
            {panes.length > 1 ? `${i === 0 ? 'Left' : 'Right'}: ` : ''}relevance {formatValue(p.patchRelevance[cell.index] ?? NaN)}, rank {p.ranks[cell.index]} of {total}
          </span>
        ),
      )}
    </div>
  )
}
