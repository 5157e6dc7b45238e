import { formatValue } from '@core/ui/heatmap-image'
import { useScene } from '../canvas/use-scene'

/** Relevance and rank of the patch under the pointer (or the pinned one), for each pane. */
export function HoverReadout() {
  const cell = useScene((s) => s.hover ?? s.pinned)
  const panes = useScene((s) => s.panes)
  const grid = useScene((s) => s.grid)
  if (cell === null || grid === null) return <div className="readout" aria-hidden="true" />
  const total = grid.gridRows * grid.gridCols
  return (
    <div className="readout" data-testid="hover-readout">
      <span>Patch row {cell.row + 1}, column {cell.col + 1}</span>
      {panes.map((p, i) =>
        p === null ? null : (
          <span key={i}>
            {panes.length > 1 ? `${i === 0 ? 'Left' : 'Right'}: ` : ''}relevance {formatValue(p.patchRelevance[cell.index] ?? NaN)}, rank {p.ranks[cell.index]} of {total}
          </span>
        ),
      )}
    </div>
  )
}
