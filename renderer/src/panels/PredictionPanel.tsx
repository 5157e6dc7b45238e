import { useSession } from '../state/hooks'
import { selectClass } from '../state/explain-actions'

/**
 * The verdict at the card's operating threshold (not the larger probability; docs/TRUST.md), then the model's
 * top-5 classes with probabilities; any row can be explained with one click.
 */
export function PredictionPanel() {
  const result = useSession((s) => s.result)
  const targetClass = useSession((s) => s.targetClass)
  if (result === null) return null
  return (
    <section className="panel" aria-labelledby="prediction-title" data-testid="prediction">
      <h2 id="prediction-title">Prediction</h2>
      <p className={`verdict${result.verdict.reliable ? '' : ' verdict-unreliable'}`} data-testid="verdict">
        Verdict: <strong>{result.verdict.label}</strong>
        {result.verdict.threshold !== null && result.verdict.positiveLabel !== null
          ? ` (p(${result.verdict.positiveLabel}) = ${result.verdict.probability.toFixed(3)} ${result.verdict.probability >= result.verdict.threshold ? '≥' : '<'} ${result.verdict.threshold.toFixed(3)}, the model's operating threshold)`
          : ` (p = ${result.verdict.probability.toFixed(3)})`}
        {!result.verdict.reliable && <span className="verdict-flag"> — unreliable: input outside the model's domain</span>}
      </p>
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
