import { cssGradient } from '@core/ui/colormaps'
import { denormalise, formatValue } from '@core/ui/heatmap-image'
import { usePaneScene } from '../canvas/use-scene'

/**
 * Colour bar of one pane: the panel scene's bar (core/scene/panel-scene.ts), the one its figure draws under
 * the panel — colour table, ticks, name, scale mode and flat-map note — here upright beside the image.
 */
export function ColorBar({ paneIndex }: { readonly paneIndex: 0 | 1 }) {
  const bar = usePaneScene(paneIndex, (s) => s?.colorBar ?? null)
  if (bar === null) return null
  const { range, threshold01: threshold } = bar
  return (
    <figure className="colorbar" data-testid={`colorbar-${paneIndex}`} aria-label={`Colour scale of ${bar.name} from ${formatValue(range.min)} to ${formatValue(range.max)}`}>
      <div className="colorbar-ramp" style={{ backgroundImage: cssGradient(bar.colormap) }}>
        {threshold > 0 && <div className="colorbar-threshold" style={{ bottom: `${threshold * 100}%` }} title={`Hidden below ${formatValue(denormalise(threshold, range))}`} />}
      </div>
      {/* Maximum at the top: the bar stands upright. */}
      <ol className="colorbar-ticks" aria-hidden="true">
        {[...bar.ticks].reverse().map((t, i) => (
          <li key={i}>{t}</li>
        ))}
      </ol>
      <figcaption className="hint" data-testid={`colorbar-name-${paneIndex}`}>{bar.name}</figcaption>
      {/* Vertical beside the bar, so the short form (a long one ran into the sidebar at 1280 px); the full one on hover. */}
      <figcaption className="hint" data-testid={`colorbar-scale-${paneIndex}`} title={bar.legend}>
        {bar.legendShort}
      </figcaption>
      {bar.note === 'flat map: one value' && <figcaption className="hint" title="Flat map: every patch has the same value.">Flat map: one value</figcaption>}
      {bar.note === 'nearly flat: colours exaggerate' && (
        <figcaption className="hint flat-note" data-testid={`nearly-flat-${paneIndex}`} title="Nearly flat map: it varies by less than 5 % of its size; the colours exaggerate.">Nearly flat: colours exaggerate</figcaption>
      )}
    </figure>
  )
}
