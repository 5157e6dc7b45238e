/** What the evaluation stores per image (resumable, one JSON file each) and per sanity step. */
import type { SegmentationCounts } from './localisation'

/** Localisation of one map against the lesion mask. */
export interface LocalisationRecord {
  readonly hit: boolean
  /** NaN (all-zero map) is stored as null. */
  readonly mass: number | null
  readonly patchAuroc: number | null
  readonly segmentation: SegmentationCounts
}

/** Perturbation results of one map (only for images of the perturbation subset). */
export interface PerturbationRecord {
  /** §4.1, 1 when the argmax equals the ground truth after erasing 10 … 90 % (most relevant first). */
  readonly positiveCorrect: readonly number[]
  /** Same, least relevant first. */
  readonly negativeCorrect: readonly number[]
  /** Explained-class probability after deleting 0, 10, … 100 % of the patches, most relevant first. */
  readonly deletion: readonly number[]
  /** Same, inserting them into the fill-coloured canvas. */
  readonly insertion: readonly number[]
}

/** One method on one image. */
export interface MethodImageRecord {
  /** Row-major index of the hottest patch (positional hot-spot statistic). */
  readonly topPatch: number
  /** Spearman of the patch maps for the explained class and the other class (null when undefined). */
  readonly classContrast: number | null
  readonly localisation?: LocalisationRecord
  readonly perturbation?: PerturbationRecord
}

/** One image. */
export interface ImageRecord {
  readonly id: string
  readonly label: number
  /** Explained class: the model's top-1 (ALGORITHMS.md §4.1 explains the predicted class). */
  readonly explained: number
  /** Its probability on the unperturbed image. */
  readonly probability: number
  readonly methods: Readonly<Record<string, MethodImageRecord>>
  /** Patches (row-major) with any lesion pixel; absent without a mask. For the hot-spot statistic. */
  readonly lesionPatches?: readonly number[]
  /** Provider and graphs of the run that computed it, e.g. "cuda: gpuGraph, gpuClassifierGraph" (the report tallies them). */
  readonly computedOn?: string
}

/** Sanity (cascading randomisation): Spearman of each method's map with the trained model's, per step. */
export interface SanityRecord {
  /** Step names in cascade order, e.g. ["head", "block 11", …, "embedding"]. */
  readonly steps: readonly string[]
  /** methodId → per step, the Spearman values over the sanity images. */
  readonly spearman: Readonly<Record<string, readonly (readonly (number | null)[])[]>>
  readonly images: number
}
