/**
 * Aggregation over images (pure): per method the localisation scores, class contrast, positional hot
 * spot, perturbation AUCs and sanity, then the item-5 criteria of issue 13 and the ranking that picks
 * the model's default method. Every number carries its n.
 */
import { finiteMean, meanCurve } from './aggregate'
import { positionalHotspot, type Hotspot } from './hotspot'
import { segmentationScores } from './localisation'
import { curveAuc, perturbationAucs } from './perturbation'
import type { ImageRecord, SanityRecord } from './records'

/** The bar of issue 13 item 5 (all at once). */
export const CRITERIA = {
  /** Spearman with the fully randomised model's map at most this. */
  sanityMax: 0.3,
  /** Spearman of the two classes' maps at most this. */
  classContrastMax: 0.5,
  pointingGameMin: 0.65,
  /** "Clearly better than random": deletion AUC this much below, insertion AUC this much above the random baseline's. */
  randomMargin: 0.05,
  /**
   * No positional hot spot: no grid cell is the top patch, while holding no lesion, of more than this
   * share of images (without masks: the top patch at all).
   */
  hotspotMax: 0.1,
} as const

export interface Scored {
  readonly value: number
  readonly n: number
}

export interface MethodSummary {
  readonly id: string
  readonly localisation: {
    readonly n: number
    readonly pointingGame: number
    readonly massInLesion: Scored
    readonly patchAuroc: Scored
    readonly pixelAccuracy: number
    readonly mAP: number
    readonly mIoU: number
  } | null
  readonly classContrast: Scored
  readonly hotspot: Hotspot
  readonly perturbation: {
    readonly n: number
    readonly positive: { readonly accuracy: number[]; readonly trapezoid: number; readonly mean: number }
    readonly negative: { readonly accuracy: number[]; readonly trapezoid: number; readonly mean: number }
    readonly deletionCurve: number[]
    readonly insertionCurve: number[]
    readonly deletionAuc: number
    readonly insertionAuc: number
  } | null
  readonly sanity: { readonly n: number; readonly steps: readonly { readonly step: string; readonly spearman: Scored }[]; readonly spearmanFullyRandomised: Scored } | null
}

function summariseMethod(id: string, records: readonly ImageRecord[], gridCols: number, sanity?: SanityRecord): MethodSummary {
  const withMethod = records.filter((r) => r.methods[id] !== undefined)
  const rs = withMethod.map((r) => r.methods[id]!)
  const loc = rs.map((m) => m.localisation).filter((l) => l !== undefined)
  const per = rs.map((m) => m.perturbation).filter((p) => p !== undefined)
  const contrast = finiteMean(rs.map((m) => m.classContrast ?? Number.NaN))
  const sanitySteps = sanity?.spearman[id]?.map((vals, i) => {
    const s = finiteMean(vals.map((v) => v ?? Number.NaN))
    return { step: sanity.steps[i]!, spearman: { value: s.mean, n: s.n } }
  })
  const pos = meanCurve(per.map((p) => p.positiveCorrect))
  const neg = meanCurve(per.map((p) => p.negativeCorrect))
  const del = meanCurve(per.map((p) => p.deletion))
  const ins = meanCurve(per.map((p) => p.insertion))
  const scored = (vals: (number | null)[]): Scored => {
    const m = finiteMean(vals.map((v) => v ?? Number.NaN))
    return { value: m.mean, n: m.n }
  }
  return {
    id,
    localisation: loc.length === 0 ? null : {
      n: loc.length,
      pointingGame: loc.filter((l) => l.hit).length / loc.length,
      massInLesion: scored(loc.map((l) => l.mass)),
      patchAuroc: scored(loc.map((l) => l.patchAuroc)),
      ...segmentationScores(loc.map((l) => l.segmentation)),
    },
    classContrast: { value: contrast.mean, n: contrast.n },
    hotspot: positionalHotspot(rs.map((m) => m.topPatch), gridCols, withMethod.map((r) => r.lesionPatches)),
    perturbation: per.length === 0 ? null : {
      n: per.length,
      positive: { accuracy: pos, ...perturbationAucs(pos) },
      negative: { accuracy: neg, ...perturbationAucs(neg) },
      deletionCurve: del,
      insertionCurve: ins,
      deletionAuc: curveAuc(del),
      insertionAuc: curveAuc(ins),
    },
    sanity: sanitySteps === undefined || sanitySteps.length === 0 ? null : {
      n: sanity?.images ?? 0,
      steps: sanitySteps,
      spearmanFullyRandomised: sanitySteps[sanitySteps.length - 1]!.spearman,
    },
  }
}

/** Per method, in the order of `methodIds`. */
export function summarise(methodIds: readonly string[], records: readonly ImageRecord[], gridCols: number, sanity?: SanityRecord): MethodSummary[] {
  return methodIds.map((id) => summariseMethod(id, records, gridCols, sanity))
}

/** Pass / fail of each item-5 criterion (null: not measured). */
export interface CriteriaResult {
  readonly sanity: boolean | null
  readonly classContrast: boolean | null
  readonly pointingGame: boolean | null
  readonly deletion: boolean | null
  readonly insertion: boolean | null
  readonly noHotspot: boolean
  readonly passed: number
}

/** Item-5 criteria of `m`, with `random` the random baseline's summary. */
export function criteriaOf(m: MethodSummary, random: MethodSummary | undefined): CriteriaResult {
  const s = m.sanity?.spearmanFullyRandomised.value
  const c = m.classContrast.value
  const p = m.localisation?.pointingGame
  const rp = random?.perturbation
  const mp = m.perturbation
  const r: Omit<CriteriaResult, 'passed'> = {
    sanity: s === undefined || !Number.isFinite(s) ? null : s <= CRITERIA.sanityMax,
    classContrast: Number.isFinite(c) ? c <= CRITERIA.classContrastMax : null,
    pointingGame: p === undefined ? null : p >= CRITERIA.pointingGameMin,
    deletion: mp === null || rp == null ? null : mp.deletionAuc <= rp.deletionAuc - CRITERIA.randomMargin,
    insertion: mp === null || rp == null ? null : mp.insertionAuc >= rp.insertionAuc + CRITERIA.randomMargin,
    noHotspot: (Number.isFinite(m.hotspot.offLesionShare) ? m.hotspot.offLesionShare : m.hotspot.share) <= CRITERIA.hotspotMax,
  }
  return { ...r, passed: Object.values(r).filter((v) => v === true).length }
}

/**
 * Ranking for the default method: most item-5 criteria passed; ties by pointing game plus the
 * insertion–deletion gap (localisation and faithfulness weighted equally). Reference maps and the random
 * baseline are excluded by the caller.
 */
export function rankMethods(candidates: readonly MethodSummary[], random: MethodSummary | undefined): { id: string; criteria: CriteriaResult; score: number }[] {
  return candidates
    .map((m) => ({
      id: m.id,
      criteria: criteriaOf(m, random),
      score: (m.localisation?.pointingGame ?? 0) + (m.perturbation === null ? 0 : m.perturbation.insertionAuc - m.perturbation.deletionAuc),
    }))
    .sort((a, b) => b.criteria.passed - a.criteria.passed || b.score - a.score)
}
