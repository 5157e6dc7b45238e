import { COLORMAPS, isColormapId } from '@core/ui/colormaps'
import { useScene } from '../canvas/use-scene'
import { scene } from '../state/session'

/** How the heatmap looks. Pure view changes: nothing here re-runs the model. */
export function OverlayControls() {
  const style = useScene((s) => s.style)
  return (
    <fieldset className="field overlay-controls">
      <legend>Overlay</legend>
      <label htmlFor="opacity">Opacity {Math.round(style.opacity01 * 100)}%</label>
      <input
        id="opacity"
        data-testid="opacity"
        type="range"
        min={0}
        max={100}
        step={5}
        value={Math.round(style.opacity01 * 100)}
        onChange={(e) => scene.setStyle({ opacity01: Number(e.target.value) / 100 })}
      />
      <label htmlFor="colormap">Colormap</label>
      <select
        id="colormap"
        data-testid="colormap"
        value={style.colormap}
        onChange={(e) => {
          if (isColormapId(e.target.value)) scene.setStyle({ colormap: e.target.value })
        }}
      >
        {COLORMAPS.map((c) => (
          <option key={c.id} value={c.id}>{c.label}</option>
        ))}
      </select>
      {style.colormap === 'jet' && (
        <p className="hint" role="note">
          Jet is not perceptually uniform: bright bands can suggest edges that are not in the data. Viridis or inferno read more faithfully.
        </p>
      )}
      <label htmlFor="threshold">Hide below {Math.round(style.threshold01 * 100)}% of the range</label>
      <input
        id="threshold"
        data-testid="threshold"
        type="range"
        min={0}
        max={95}
        step={5}
        value={Math.round(style.threshold01 * 100)}
        onChange={(e) => scene.setStyle({ threshold01: Number(e.target.value) / 100 })}
      />
      <label className="inline">
        <input type="checkbox" data-testid="contour" checked={style.contour} onChange={(e) => scene.setStyle({ contour: e.target.checked })} />
        Contour lines
      </label>
    </fieldset>
  )
}
