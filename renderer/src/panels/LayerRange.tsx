import { useSession } from '../state/hooks'
import { setLayerRange } from '../state/explain-actions'

/** Which layers the methods aggregate. "Method defaults" uses each method's own choice (spec §3). */
export function LayerRange() {
  const layers = useSession((s) => s.model?.layers ?? 0)
  const firstDefault = useSession((s) => s.model?.gradFirstLayer ?? 0)
  const range = useSession((s) => s.layerRange)
  const hasImage = useSession((s) => s.image !== null)
  const options = Array.from({ length: layers }, (_, i) => i)
  const commit = (start: number, end: number): void => setLayerRange({ start: Math.min(start, end), end: Math.max(start, end) })
  return (
    <fieldset className="field layer-range" disabled={layers === 0 || !hasImage}>
      <legend>Layers</legend>
      <label className="inline">
        <input
          type="checkbox"
          data-testid="layers-default"
          checked={range === null}
          onChange={(e) => setLayerRange(e.target.checked ? null : { start: firstDefault, end: layers - 1 })}
        />
        Method defaults
      </label>
      {range !== null && (
        <span className="inline">
          <label htmlFor="layer-start">from</label>
          <select id="layer-start" data-testid="layer-start" value={range.start} onChange={(e) => commit(Number(e.target.value), range.end)}>
            {options.map((i) => (
              <option key={i} value={i}>{i}</option>
            ))}
          </select>
          <label htmlFor="layer-end">to</label>
          <select id="layer-end" data-testid="layer-end" value={range.end} onChange={(e) => commit(range.start, Number(e.target.value))}>
            {options.map((i) => (
              <option key={i} value={i}>{i}</option>
            ))}
          </select>
        </span>
      )}
    </fieldset>
  )
}
