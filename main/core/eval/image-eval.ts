/**
 * One image, one map (pure): localisation against the mask, and the perturbed inputs with how their
 * logits are scored. The adapter runs the graphs; everything measured is computed here.
 */
import { argmax } from '../tensor/stats'
import { softmax } from './softmax'
import { relevanceOrder } from './order'
import { massInMask, patchAuroc, patchLabels, pointingHit, segmentationCounts } from './localisation'
import { erasureInputs, patchCurveInputs, PERTURBATION_FRACTIONS, type Normalisation, type PatchGrid } from './perturbation'
import type { LocalisationRecord, PerturbationRecord } from './records'

/** A method's map on one image: 14×14 patch relevance (≥ 0) and its bilinear upsampling. */
export interface MapPair {
  readonly patch: ArrayLike<number>
  readonly heatmap: ArrayLike<number>
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null)

/** Localisation record of one map (`mask` 0/1 of the heatmap's size). */
export function localise(map: MapPair, mask: Uint8Array, grid: PatchGrid): LocalisationRecord {
  return {
    hit: pointingHit(map.heatmap, mask),
    mass: orNull(massInMask(map.heatmap, mask)),
    patchAuroc: orNull(patchAuroc(map.patch, patchLabels(mask, grid))),
    segmentation: segmentationCounts(map.heatmap, mask),
  }
}

/** Patches holding any lesion pixel (hot-spot statistic). */
export function lesionPatchesOf(mask: Uint8Array, grid: PatchGrid): number[] {
  const labels = patchLabels(mask, grid, 1 / (grid.patchSize * grid.patchSize))
  return [...labels.keys()].filter((p) => labels[p] === 1)
}

/** Settings shared by every perturbation of an evaluation. */
export interface PerturbationSetup {
  readonly grid: PatchGrid
  readonly norm: Normalisation
  /** Normalised per-channel fill of deletion / insertion (the data set's mean grey). */
  readonly fill: readonly number[]
}

/**
 * The 9 + 9 erasure inputs (§4.1 positive, negative) and the 9 + 9 inner points of the deletion and
 * insertion curves; the curve ends (original image, all-fill canvas) are shared by all maps of an image
 * and passed to `scorePerturbation` instead.
 */
export function perturbationInputs(input: Float32Array, map: MapPair, setup: PerturbationSetup): Float32Array[] {
  const order = relevanceOrder(map.patch, true)
  const del = patchCurveInputs(input, order, setup.grid, setup.fill, false)
  const ins = patchCurveInputs(input, order, setup.grid, setup.fill, true)
  return [
    ...erasureInputs(input, map.heatmap, true, setup.norm),
    ...erasureInputs(input, map.heatmap, false, setup.norm),
    ...del.slice(1, -1),
    ...ins.slice(1, -1),
  ]
}

/** Ends of the deletion / insertion curves: explained-class probability of the original and of the all-fill canvas. */
export interface CurveEnds {
  readonly original: number
  readonly blank: number
}

/** Scores the logits of `perturbationInputs` (same order) for ground truth `label` and class `explained`. */
export function scorePerturbation(logits: readonly ArrayLike<number>[], label: number, explained: number, ends: CurveEnds): PerturbationRecord {
  const k = PERTURBATION_FRACTIONS.length
  const correct = (l: ArrayLike<number>): number => (argmax(l) === label ? 1 : 0)
  const prob = (l: ArrayLike<number>): number => softmax(l)[explained]!
  const inner = logits.slice(2 * k).map(prob)
  return {
    positiveCorrect: logits.slice(0, k).map(correct),
    negativeCorrect: logits.slice(k, 2 * k).map(correct),
    deletion: [ends.original, ...inner.slice(0, k), ends.blank],
    insertion: [ends.blank, ...inner.slice(k, 2 * k), ends.original],
  }
}
