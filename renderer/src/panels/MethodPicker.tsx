import { evaluatedRecord } from '@core/trust/label'
import { describeEvaluated } from '@core/trust/report'
import { useSession } from '../state/hooks'
import { selectMethod } from '../state/explain-actions'
import { methodNote, sharedNote } from './method-notes'

/**
 * Which explanation method the main pane shows. Every method comes from the same run: switching is instant.
 * Under it, the method's evaluated record from the model card (`evaluation.methods[id]`, docs/TRUST.md), so a
 * failed sanity or class-contrast test is seen before the map is trusted, with or without a result.
 */
export function MethodPicker() {
  const methods = useSession((s) => s.methods)
  const methodId = useSession((s) => s.methodId)
  const current = methods.find((m) => m.id === methodId)
  const card = useSession((s) => s.model?.card)
  const record = current !== undefined && card !== undefined ? evaluatedRecord(card['evaluation'], current.id) : null
  const note = current !== undefined ? methodNote(current.id) : null
  return (
    <div className="field">
      <label htmlFor="method-select">Method</label>
      <select id="method-select" data-testid="method-select" value={methodId ?? ''} onChange={(e) => selectMethod(e.target.value)} disabled={methods.length === 0}>
        {methods.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
            {m.classSpecific ? '' : ' (same for every class)'}
          </option>
        ))}
      </select>
      {current !== undefined && (
        <p className="hint" id="method-description">
          {current.description} <span className="spec">{current.spec}</span>
        </p>
      )}
      {record !== null && (
        <p className="hint" data-testid="method-evaluated">
          {record.evaluated ? 'Evaluated on this model: ' : ''}{describeEvaluated(record)}
        </p>
      )}
      {note !== null && (
        <details className="method-notes" data-testid="method-notes">
          <summary>How it is computed</summary>
          <pre className="method-note-text">{note}</pre>
          <pre className="method-note-text">{sharedNote}</pre>
        </details>
      )}
    </div>
  )
}
