/**
 * The plain pass / warn / fail label of one shown result, with the reasons (docs/TRUST.md):
 * - fail: the input is outside the model's domain (its output means nothing there);
 * - warn: anything that should make a reader doubt the map (flat map, a deletion check no better than
 *   random patches, a method that failed the evaluation's sanity or class-contrast test or was never
 *   evaluated, maps of the other methods that disagree, a domain that was not assessed);
 * - pass: none of these.
 */
import type { DomainAssessment, EvaluatedRecord, FaithfulnessCheck, MethodAgreement, TrustLabel } from './types'

/** Mean probability drop beyond random patches below which the deletion check counts as "no better than random". */
export const MIN_DELETION_MARGIN = 0.02
/** Median Spearman with the other methods below which the map counts as disagreeing. */
export const MIN_AGREEMENT = 0.2

export interface TrustInputs {
  readonly domain: DomainAssessment
  readonly degenerate: boolean
  readonly faithfulness: FaithfulnessCheck | null
  readonly agreement: MethodAgreement | null
  readonly evaluated: EvaluatedRecord
}

export interface TrustVerdict {
  readonly label: TrustLabel
  readonly reason: string
  readonly reasons: readonly string[]
}

/** Reads the card's `evaluation.methods[methodId]` (eval helper's shape, INTERFACES.md); absent → not evaluated. */
export function evaluatedRecord(evaluation: unknown, methodId: string): EvaluatedRecord {
  const ev = (typeof evaluation === 'object' && evaluation !== null ? evaluation : {}) as Record<string, unknown>
  const methods = (typeof ev['methods'] === 'object' && ev['methods'] !== null ? ev['methods'] : {}) as Record<string, unknown>
  const m = methods[methodId]
  if (typeof m !== 'object' || m === null) return { evaluated: false }
  const r = m as Record<string, unknown>
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
  const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {})
  const sanity = obj(r['sanity'])
  const contrast = obj(r['classContrast'])
  const out: Record<string, unknown> = { evaluated: true }
  if (typeof ev['dataset'] === 'string') out['dataset'] = ev['dataset']
  if (typeof sanity['pass'] === 'boolean') out['sanityPass'] = sanity['pass']
  if (num(sanity['spearmanFullyRandomised']) !== undefined) out['spearmanFullyRandomised'] = num(sanity['spearmanFullyRandomised'])
  if (typeof contrast['pass'] === 'boolean') out['classContrastPass'] = contrast['pass']
  if (num(contrast['spearman']) !== undefined) out['classContrastSpearman'] = num(contrast['spearman'])
  for (const k of ['deletionAuc', 'randomDeletionAuc', 'pointingGame', 'n', 'perturbationN'] as const) if (num(r[k]) !== undefined) out[k] = num(r[k])
  if (num(sanity['n']) !== undefined) out['sanityN'] = num(sanity['n'])
  return out as unknown as EvaluatedRecord
}

const f2 = (x: number): string => x.toFixed(2)

export function trustLabel(t: TrustInputs): TrustVerdict {
  if (t.domain.inDomain === false) {
    const reasons = [`input outside the model's domain: ${t.domain.reasons.join('; ')}`]
    return { label: 'fail', reason: reasons[0]!, reasons }
  }
  const warn: string[] = []
  if (t.domain.inDomain === null) warn.push('the input\'s domain was not assessed')
  if (t.degenerate) warn.push('the map is flat: it ranks no patch above another')
  const f = t.faithfulness
  if (f !== null && f.margin < MIN_DELETION_MARGIN) {
    warn.push(`removing the most relevant patches lowers p no more than random patches (mean margin ${f2(f.margin)})`)
  }
  const e = t.evaluated
  if (!e.evaluated) warn.push('this method was not evaluated on this model')
  if (e.sanityPass === false) {
    warn.push(`the method failed the randomisation sanity check${e.spearmanFullyRandomised !== undefined ? ` (its maps barely depend on the model's weights: Spearman ${f2(e.spearmanFullyRandomised)} with a fully randomised model)` : ''}`)
  }
  if (e.classContrastPass === false) {
    warn.push(`the method gives nearly the same map for every class${e.classContrastSpearman !== undefined ? ` (Spearman ${f2(e.classContrastSpearman)})` : ''}`)
  }
  const a = t.agreement
  if (a !== null && a.medianSpearman !== null && a.medianSpearman < MIN_AGREEMENT) {
    warn.push(`the other methods disagree with this map (median Spearman ${f2(a.medianSpearman)})`)
  }
  if (warn.length > 0) return { label: 'warn', reason: warn.join('; '), reasons: warn }
  const why = f !== null ? `in domain; removing the top ${Math.round(100 * f.points[0]!.fraction)} % of patches moves p from ${f2(f.original)} to ${f2(f.points[0]!.relevant)} (random patches: ${f2(f.points[0]!.random)})` : 'in domain'
  return { label: 'pass', reason: why, reasons: [why] }
}
