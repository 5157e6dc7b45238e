/**
 * What the "About this model" panel shows, read defensively from a model card (models/*.json): cards
 * are written by the exporter and the training tools, so every field is optional here.
 */

export interface CardMetric { readonly label: string; readonly value: string }

export interface CardSummary {
  readonly name: string
  readonly description: string | null
  readonly intendedUse: string | null
  readonly data: string | null
  readonly citation: string | null
  readonly licence: string | null
  readonly testMetrics: readonly CardMetric[]
  readonly shortcuts: string | null
  readonly limitations: readonly string[]
}

type Json = Readonly<Record<string, unknown>>

const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null)
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)

function metric(label: string, value: unknown, ci: unknown): CardMetric | null {
  if (typeof value !== 'number') return null
  const range = Array.isArray(ci) && ci.length === 2 && ci.every((x) => typeof x === 'number') ? ` (95% CI ${(ci[0] as number).toFixed(3)}–${(ci[1] as number).toFixed(3)})` : ''
  return { label, value: `${value.toFixed(3)}${range}` }
}

/** Summarises a model card for display; unknown or missing fields become null / empty. */
export function summariseCard(card: Json, fallbackName: string): CardSummary {
  const data = obj(card['data'])
  const test = obj(obj(card['evaluation'])?.['test'])
  const ci = obj(test?.['ci95']) ?? {}
  const testMetrics = [
    metric('AUC', test?.['auc'], ci['auc']),
    metric('Sensitivity', test?.['sensitivity'], ci['sensitivity']),
    metric('Specificity', test?.['specificity'], ci['specificity']),
    metric('Balanced accuracy', test?.['balancedAccuracy'], ci['balancedAccuracy']),
  ].filter((m): m is CardMetric => m !== null)
  const n = typeof test?.['n'] === 'number' ? `${test['n']} held-out images` : null
  const dataText = data ? [str(data['name']), typeof data['images'] === 'number' ? `${data['images']} images` : null, n].filter(Boolean).join(' · ') : null
  const limitations = Array.isArray(card['limitations']) ? card['limitations'].filter((x): x is string => typeof x === 'string') : []
  return {
    name: str(card['name']) ?? fallbackName,
    description: str(card['description']),
    intendedUse: str(card['intendedUse']),
    data: dataText === '' ? null : dataText,
    citation: str(data?.['citation']),
    licence: str(obj(data?.['licence'])?.['name']) ?? str(data?.['licence']),
    testMetrics,
    shortcuts: str(obj(card['shortcuts'])?.['interpretation']) ?? str(obj(card['shortcuts'])?.['summary']),
    limitations,
  }
}
