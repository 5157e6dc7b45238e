/**
 * The model card's `evaluation.methods` entries (docs INTERFACES: read by the trust panel) built from
 * the summaries (pure). Only measured numbers go in; a test that did not run leaves its field out.
 */
import { CRITERIA, type MethodSummary } from './summary'

export interface CardMethodEvaluation {
  readonly n: number
  readonly sanity?: { readonly spearmanFullyRandomised: number; readonly pass: boolean; readonly n: number }
  readonly classContrast: { readonly spearman: number; readonly pass: boolean }
  readonly deletionAuc?: number
  readonly insertionAuc?: number
  readonly randomDeletionAuc?: number
  readonly randomInsertionAuc?: number
  readonly perturbationN?: number
  readonly pointingGame?: number
  readonly massInLesion?: number
  readonly patchAuroc?: number
  readonly positionalHotspot: { readonly share: number; readonly cell: [number, number]; readonly offLesionShare?: number }
}

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4

/** One card entry per summary (references included: the panel may show them as floors). */
export function cardMethods(ms: readonly MethodSummary[]): Record<string, CardMethodEvaluation> {
  const random = ms.find((m) => m.id === 'random-baseline')?.perturbation ?? null
  return Object.fromEntries(ms.map((m) => {
    const l = m.localisation
    const p = m.perturbation
    const s = m.sanity?.spearmanFullyRandomised
    const e: CardMethodEvaluation = {
      n: l?.n ?? m.hotspot.images,
      ...(s !== undefined && Number.isFinite(s.value) ? { sanity: { spearmanFullyRandomised: r4(s.value), pass: s.value <= CRITERIA.sanityMax, n: s.n } } : {}),
      classContrast: { spearman: r4(m.classContrast.value), pass: m.classContrast.value <= CRITERIA.classContrastMax },
      ...(p !== null ? { deletionAuc: r4(p.deletionAuc), insertionAuc: r4(p.insertionAuc), perturbationN: p.n } : {}),
      ...(p !== null && random !== null ? { randomDeletionAuc: r4(random.deletionAuc), randomInsertionAuc: r4(random.insertionAuc) } : {}),
      ...(l !== null ? { pointingGame: r4(l.pointingGame), massInLesion: r4(l.massInLesion.value), patchAuroc: r4(l.patchAuroc.value) } : {}),
      positionalHotspot: { share: r4(m.hotspot.share), cell: m.hotspot.cell, ...(Number.isFinite(m.hotspot.offLesionShare) ? { offLesionShare: r4(m.hotspot.offLesionShare) } : {}) },
    }
    return [m.id, e]
  }))
}
