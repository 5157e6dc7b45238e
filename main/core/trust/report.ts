/**
 * The trust record of one shown map, assembled once for every place that shows it: the CLI JSON, the app's
 * trust panel and the figures' header and provenance (docs/TRUST.md), so all say the same.
 */
import { trustLabel } from './label'
import type { DomainAssessment, EvaluatedRecord, FaithfulnessCheck, MethodAgreement, RunTrust, TrustLabel } from './types'

/** What the CLI writes as `trust` (INTERFACES.md) for one method of a run. */
export interface MethodTrust {
  readonly methodId: string
  readonly domain: DomainAssessment
  readonly faithfulness: FaithfulnessCheck | null
  readonly agreement: MethodAgreement | null
  readonly evaluated: EvaluatedRecord
  readonly label: TrustLabel
  readonly reason: string
}

/** The trust record of `methodId`'s map in a run; `faithfulness` null when the check was not run (no classifier graph). */
export function methodTrust(run: RunTrust, methodId: string, degenerate: boolean, faithfulness: FaithfulnessCheck | null): MethodTrust {
  const agreement = run.agreement[methodId] ?? null
  const evaluated = run.evaluated[methodId] ?? { evaluated: false }
  const t = trustLabel({ domain: run.domain, degenerate, faithfulness, agreement, evaluated })
  return { methodId, domain: run.domain, faithfulness, agreement, evaluated, label: t.label, reason: t.reason }
}

/**
 * The banner for an input outside the model's domain; `trainedOnName` is the card's `domain.trainedOn.name`
 * ("breast ultrasound" for the default model).
 */
export function outOfDomainBanner(trainedOnName: string | undefined): string {
  return `This image is unlike the ${trainedOnName ?? 'images'} this model was trained on; its output means nothing here.`
}

/** The card's `domain.trainedOn.name` (ModelInfo.card is the raw card), if it has one. */
export function trainedOnNameOf(card: Readonly<Record<string, unknown>>): string | undefined {
  const domain = card['domain'] as { trainedOn?: { name?: unknown } } | undefined
  const name = domain?.trainedOn?.name
  return typeof name === 'string' ? name : undefined
}

/** The line every screen and figure carries (issue 13 item 4). */
export const RESEARCH_ONLY = 'Research use only — not a medical device.'

const p2 = (x: number): string => x.toFixed(2)
/** How many images a number rests on (the costly tests ran on fewer than the localisation ones). */
const images = (n: number | undefined): string => (n !== undefined ? `n = ${n}` : '')
const detail = (parts: readonly string[]): string => (parts.some((x) => x !== '') ? ` (${parts.filter((x) => x !== '').join(', ')})` : '')

/**
 * A method's evaluated record for this model in one sentence (the trust panel and the line under the method
 * picker): the tests it failed say so in capitals, so "this map barely depends on the model's weights" is seen.
 */
export function describeEvaluated(e: EvaluatedRecord): string {
  if (!e.evaluated) return 'Not evaluated on this model.'
  const parts = [
    e.sanityPass !== undefined ? `randomisation sanity ${e.sanityPass ? 'passed' : 'FAILED'}${detail([e.spearmanFullyRandomised !== undefined ? p2(e.spearmanFullyRandomised) : '', images(e.sanityN)])}` : '',
    e.classContrastPass !== undefined ? `class contrast ${e.classContrastPass ? 'passed' : 'FAILED'}${detail([e.classContrastSpearman !== undefined ? p2(e.classContrastSpearman) : '', images(e.n)])}` : '',
    e.deletionAuc !== undefined ? `deletion AUC ${p2(e.deletionAuc)}${detail([e.randomDeletionAuc !== undefined ? `random ${p2(e.randomDeletionAuc)}` : '', images(e.perturbationN)])}` : '',
    e.pointingGame !== undefined ? `pointing game ${p2(e.pointingGame)}${detail([images(e.n)])}` : '',
  ].filter((x) => x !== '')
  return `${parts.join('; ')}${e.dataset !== undefined ? ` — ${e.dataset}` : ''}.`
}

/** One short line for figure headers: trust label, reason and the domain flag. */
export function trustLine(t: MethodTrust): string {
  return `Trust: ${t.label.toUpperCase()} — ${t.reason}`
}
