import { useMemo } from 'react'
import { describeSummary, summarizeRelevance } from '@core/ui/summary'
import { useScene } from '../canvas/use-scene'

/** The heatmap in words (top regions, share of relevance), announced to screen readers when it changes. */
export function HeatmapSummary() {
  const pane = useScene((s) => s.panes[0] ?? null)
  const grid = useScene((s) => s.grid)
  const text = useMemo(() => {
    if (pane === null || grid === null) return null
    const summary = summarizeRelevance(pane.patchRelevance, grid)
    return describeSummary(summary, pane.label, grid.gridRows * grid.gridCols)
  }, [pane, grid])
  return (
    <section className="panel" aria-labelledby="summary-title">
      <h2 id="summary-title">In words</h2>
      <p aria-live="polite" data-testid="heatmap-summary">{text ?? 'Open an image to see which parts drove the prediction.'}</p>
    </section>
  )
}
