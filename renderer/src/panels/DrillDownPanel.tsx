import { useState } from 'react'
import { formatValue } from '@core/ui/heatmap-image'
import { useScene } from '../canvas/use-scene'
import { clearPin } from '../state/drill-actions'
import { useSession } from '../state/hooks'
import { AttentionGrid } from './AttentionGrid'
import { DrillSummary } from './DrillSummary'
import { ProfileChart } from './ProfileChart'
import { ScanOrderStrip } from './ScanOrderStrip'

/**
 * Everything about the pinned patch, for a reader first: a summary in words, the attention per layer and
 * direction on one scale, the contribution profile; the scan order (model internals) last, for analysts.
 */
export function DrillDownPanel() {
  const drill = useSession((s) => s.drill)
  const model = useSession((s) => s.model)
  const methods = useSession((s) => s.methods)
  const updateMs = useSession((s) => s.drillUpdateMs)
  const renderMs = useSession((s) => s.drillRenderMs)
  const colormap = useScene((s) => s.style.colormap)
  const pane = useScene((s) => s.panes[0] ?? null)
  const [stripLayer, setStripLayer] = useState<number | null>(null)
  if (drill.cell === null || model === null) {
    return (
      <section className="panel drill" aria-labelledby="drill-title" data-testid="drill-panel" data-state="idle">
        <h2 id="drill-title">Patch drill-down</h2>
        <p className="hint">Click a patch (or focus the image and press Enter, then the arrow keys) to see what it attends to in every layer.</p>
      </section>
    )
  }
  const { cell, result } = drill
  const layers = result?.rows.length ?? model.layers
  const layer = Math.min(stripLayer ?? layers - 1, layers - 1)
  const labels = Object.fromEntries(methods.map((m) => [m.id, m.label]))
  return (
    <section className="panel drill" aria-labelledby="drill-title" data-testid="drill-panel" data-state={drill.status} data-update-ms={updateMs ?? ''} data-render-ms={renderMs ?? ''}>
      <header className="drill-head">
        <h2 id="drill-title">
          Patch row {cell.row + 1}, column {cell.col + 1}
        </h2>
        <button type="button" onClick={clearPin} aria-label="Clear the pinned patch (Escape)">
          ✕
        </button>
      </header>
      {pane !== null && (
        <p className="hint" data-testid="drill-relevance">
          Relevance {formatValue(pane.patchRelevance[cell.index] ?? NaN)} · rank {pane.ranks[cell.index]} of {model.grid[0] * model.grid[1]} ({pane.label})
        </p>
      )}
      {drill.status === 'error' && drill.error !== null && (
        <p className="error-inline" role="alert">{drill.error.message}</p>
      )}
      {drill.status === 'loading' && result === null && <p className="hint">Loading…</p>}
      {result !== null && (
        <>
          <DrillSummary result={result} gridRows={model.grid[0]} gridCols={model.grid[1]} />
          <h3>Attention per layer</h3>
          <AttentionGrid result={result} gridRows={model.grid[0]} gridCols={model.grid[1]} colormap={colormap} requestedAt={drill.requestedAt} respondedAt={drill.respondedAt} />
          <h3>Contribution across layers</h3>
          <ProfileChart profile={result.profile} layers={layers} labels={labels} />
          <h3>Scan order (for analysts)</h3>
          <label htmlFor="strip-layer">Colour by layer</label>
          <select id="strip-layer" value={layer} onChange={(e) => setStripLayer(Number(e.target.value))}>
            {result.rows.map((_, i) => (
              <option key={i} value={i}>{i}</option>
            ))}
          </select>
          <ScanOrderStrip result={result} layer={layer} tokens={model.tokens} clsIndex={model.clsIndex} colormap={colormap} />
        </>
      )}
    </section>
  )
}
