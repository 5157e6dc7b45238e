import { cssGradient } from '@core/ui/colormaps'
import { colorBarTicks, denormalise, formatValue } from '@core/ui/heatmap-image'
import { scaleLegend } from '@core/trust/scale'
import { useScene } from '../canvas/use-scene'

/** Colour bar of one pane with the value scale of its map (the method's own units, min to max). */
export function ColorBar({ paneIndex }: { readonly paneIndex: 0 | 1 }) {
  const pane = useScene((s) => s.panes[paneIndex] ?? null)
  const colormap = useScene((s) => s.style.colormap)
  const threshold = useScene((s) => s.style.threshold01)
  if (pane === null) return null
  const ticks = colorBarTicks(pane.range, 5).reverse()
  return (
    <figure className="colorbar" data-testid={`colorbar-${paneIndex}`} aria-label={`Colour scale from ${formatValue(pane.range.min)} to ${formatValue(pane.range.max)}`}>
      <div className="colorbar-ramp" style={{ backgroundImage: cssGradient(colormap) }}>
        {threshold > 0 && <div className="colorbar-threshold" style={{ bottom: `${threshold * 100}%` }} title={`Hidden below ${formatValue(denormalise(threshold, pane.range))}`} />}
      </div>
      <ol className="colorbar-ticks" aria-hidden="true">
        {ticks.map((t, i) => (
          <li key={i}>{formatValue(t)}</li>
        ))}
      </ol>
      {/* Vertical beside the bar, so the short form (a long one ran into the sidebar at 1280 px); the full one on hover. */}
      <figcaption className="hint" data-testid={`colorbar-scale-${paneIndex}`} title={scaleLegend(pane.scale ?? 'own min-max')}>
        {scaleLegend(pane.scale ?? 'own min-max', true)}
      </figcaption>
      {pane.degenerate && <figcaption className="hint" title="Flat map: every patch has the same value.">Flat map: one value</figcaption>}
      {!pane.degenerate && pane.nearlyFlat === true && (
        <figcaption className="hint flat-note" data-testid={`nearly-flat-${paneIndex}`} title="Nearly flat map: it varies by less than 5 % of its size; the colours exaggerate.">Nearly flat: colours exaggerate</figcaption>
      )}
    </figure>
  )
}
