/**
 * The explanation-method registry: an explicit array, no import side effects (STYLE.md §1.5).
 * Spec sections per method: ALGORITHMS.md §3.2–3.7.
 */
import { AppError } from '../errors'
import type { ExplanationMethod, Tap } from './method'
import { mambaAttribution, mambaAttributionCorrected } from './methods/mamba-attribution'
import { gradientXInput } from './methods/gradient-x-input'
import { lrpGatedAttention } from './methods/lrp-gated-attention'
import { mambaLrp } from './methods/mamba-lrp'
import { mambaRollout, mambaRolloutCorrected } from './methods/mamba-rollout'
import { randomBaseline } from './methods/random-baseline'
import { rawAttention, rawAttentionCorrected } from './methods/raw-attention'
import { uia } from './methods/uia'

/** All methods, in display order (official first, then corrected variants, our own, then baselines). */
export const methods = [
  rawAttention,
  mambaRollout,
  mambaAttribution,
  uia,
  mambaLrp,
  rawAttentionCorrected,
  mambaRolloutCorrected,
  mambaAttributionCorrected,
  lrpGatedAttention,
  gradientXInput,
  randomBaseline,
] as const satisfies readonly ExplanationMethod[]

/** Stable method ids, derived from the registry. */
export type MethodId = (typeof methods)[number]['id']

const byId: ReadonlyMap<string, ExplanationMethod> = new Map(methods.map((m) => [m.id, m]))

/** True when `id` names a registered method. */
export function isMethodId(id: string): id is MethodId {
  return byId.has(id)
}

/** The method with this id, or `AppError('explain/unknown-method')`. */
export function getMethod(id: string): ExplanationMethod {
  const m = byId.get(id)
  if (m === undefined) throw new AppError('explain/unknown-method', { detail: { methodId: id } })
  return m
}

/** Methods whose `needs` are all among `available` graph outputs (e.g. the card's output list). */
export function methodsSupportedBy(available: Iterable<string>): ExplanationMethod[] {
  const have = new Set(available)
  return methods.filter((m) => m.needs.every((t: Tap) => have.has(t)))
}

/** What the UI lists about a method; structurally the `MethodInfo` DTO of engine/api.ts. */
export type MethodDescription = Pick<ExplanationMethod, 'id' | 'label' | 'classSpecific' | 'spec' | 'official' | 'description'>

/** The UI/IPC description of a method (assignable to engine/api.ts `MethodInfo`). */
export function methodInfo(m: ExplanationMethod): MethodDescription {
  return {
    id: m.id,
    label: m.label,
    classSpecific: m.classSpecific,
    spec: m.spec,
    official: m.official,
    description: m.description,
  }
}
