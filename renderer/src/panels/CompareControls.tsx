import { useSession } from '../state/hooks'
import { setCompare } from '../state/explain-actions'

/** Side-by-side view: a second pane with another method or another class, same zoom and pan. */
export function CompareControls() {
  const compare = useSession((s) => s.compare)
  const methods = useSession((s) => s.methods)
  const model = useSession((s) => s.model)
  const topK = useSession((s) => s.result?.topK)
  const hasImage = useSession((s) => s.image !== null)
  return (
    <fieldset className="field compare" disabled={!hasImage}>
      <legend>Compare</legend>
      <label className="inline">
        <input type="checkbox" data-testid="compare-toggle" checked={compare.enabled} onChange={(e) => setCompare({ enabled: e.target.checked })} />
        Side by side
      </label>
      {compare.enabled && (
        <>
          <label htmlFor="compare-method">Right: method</label>
          <select
            id="compare-method"
            data-testid="compare-method"
            value={compare.methodId ?? ''}
            onChange={(e) => setCompare({ methodId: e.target.value === '' ? null : e.target.value })}
          >
            <option value="">Same as left</option>
            {methods.map((m) => (
              <option key={m.id} value={m.id}>{m.label}</option>
            ))}
          </select>
          <label htmlFor="compare-class">Right: class</label>
          <select
            id="compare-class"
            data-testid="compare-class"
            value={compare.targetClass === null ? '' : String(compare.targetClass)}
            onChange={(e) => setCompare({ targetClass: e.target.value === '' ? null : Number(e.target.value) })}
          >
            <option value="">Same as left</option>
            {topK !== undefined && (
              <optgroup label="Top 5">
                {topK.map((c) => (
                  <option key={`top-${c.index}`} value={c.index}>{c.label}</option>
                ))}
              </optgroup>
            )}
            <optgroup label="All classes">
              {model?.classes.map((label, i) => (
                <option key={i} value={i}>{i}: {label}</option>
              ))}
            </optgroup>
          </select>
        </>
      )}
    </fieldset>
  )
}
