import { useSession } from '../state/hooks'
import { selectClass } from '../state/explain-actions'

/** The model's top-5 classes with probabilities; any row can be explained with one click. */
export function PredictionPanel() {
  const result = useSession((s) => s.result)
  const targetClass = useSession((s) => s.targetClass)
  if (result === null) return null
  return (
    <section className="panel" aria-labelledby="prediction-title" data-testid="prediction">
      <h2 id="prediction-title">Prediction</h2>
      <ol className="topk">
        {result.topK.map((c, i) => {
          const explained = c.index === result.targetClass
          return (
            <li key={c.index} data-testid={`topk-${i}`}>
              <button
                type="button"
                className="topk-row"
                aria-pressed={explained}
                aria-label={`${c.label}, ${(c.probability * 100).toFixed(1)} percent. ${explained ? 'Explained now.' : 'Explain this class.'}`}
                onClick={() => selectClass(i === 0 && targetClass === null ? null : c.index)}
              >
                <span className="topk-label">{c.label}</span>
                <span className="topk-bar" aria-hidden="true">
                  <span className="topk-fill" style={{ width: `${Math.max(1, c.probability * 100)}%` }} />
                </span>
                <span className="topk-prob">{(c.probability * 100).toFixed(1)}%</span>
              </button>
            </li>
          )
        })}
      </ol>
      <p className="hint">Explaining: <strong data-testid="explained-class">{result.topK.find((c) => c.index === result.targetClass)?.label ?? `class ${result.targetClass}`}</strong></p>
    </section>
  )
}
