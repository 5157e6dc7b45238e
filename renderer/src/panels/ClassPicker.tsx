import { useSession } from '../state/hooks'
import { selectClass } from '../state/explain-actions'

/** Explain any class: by default the class of the verdict (the card's operating point), then the top 5 and every class. */
export function ClassPicker() {
  const model = useSession((s) => s.model)
  const topK = useSession((s) => s.result?.topK)
  const targetClass = useSession((s) => s.targetClass)
  const hasImage = useSession((s) => s.image !== null)
  return (
    <div className="field">
      <label htmlFor="class-select">Explain class</label>
      <select
        id="class-select"
        data-testid="class-select"
        value={targetClass === null ? 'top' : String(targetClass)}
        disabled={model === null || !hasImage}
        onChange={(e) => selectClass(e.target.value === 'top' ? null : Number(e.target.value))}
      >
        <option value="top">The model's decision (verdict)</option>
        {topK !== undefined && (
          <optgroup label="Top 5">
            {topK.map((c) => (
              <option key={`top-${c.index}`} value={c.index}>
                {c.label} ({(c.probability * 100).toFixed(1)}%)
              </option>
            ))}
          </optgroup>
        )}
        <optgroup label="All classes">
          {model?.classes.map((label, i) => (
            <option key={i} value={i}>
              {i}: {label}
            </option>
          ))}
        </optgroup>
      </select>
    </div>
  )
}
