import { summariseCard } from '@core/ui/model-card'
import { useSession } from '../state/hooks'

/** "About this model": the model card (intended use first: research and teaching, not diagnosis). */
export function ModelCard() {
  const info = useSession((s) => s.appInfo)
  const model = info?.models.find((m) => m.isDefault) ?? info?.models[0]
  if (model === undefined) return null
  const c = summariseCard(model.card, model.name)
  return (
    <section className="panel model-card" aria-labelledby="model-card-title" data-testid="model-card">
      <details>
        <summary><h2 id="model-card-title">About this model: {c.name}</h2></summary>
        {c.intendedUse !== null && <p className="intended-use" role="note"><strong>Intended use.</strong> {c.intendedUse}</p>}
        {c.description !== null && <p>{c.description}</p>}
        {c.data !== null && <p><strong>Data.</strong> {c.data}{c.licence !== null ? ` · licence: ${c.licence}` : ''}</p>}
        {c.testMetrics.length > 0 && (
          <table aria-label="Test-set metrics">
            <tbody>{c.testMetrics.map((m) => <tr key={m.label}><th scope="row">{m.label}</th><td>{m.value}</td></tr>)}</tbody>
          </table>
        )}
        {c.shortcuts !== null && <p><strong>Known shortcuts.</strong> {c.shortcuts}</p>}
        {c.limitations.length > 0 && <ul aria-label="Limitations">{c.limitations.map((l) => <li key={l}>{l}</li>)}</ul>}
        {c.citation !== null && <p className="citation"><strong>Cite.</strong> {c.citation}</p>}
      </details>
    </section>
  )
}
