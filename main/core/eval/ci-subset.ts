/**
 * The few images whose per-image numbers are committed next to the report (`docs/eval/<model>/ci-subset.json`), so
 * that CI can recompute them from the committed model and the data set and catch a drift of the maps, the
 * metrics or the preprocessing without re-running the whole fold (pure). Scalars only: no map, no mask.
 */
import type { ImageRecord, PerturbationRecord } from './records'

export interface SubsetMethod {
  readonly topPatch: number
  readonly classContrast: number | null
  readonly hit?: boolean
  readonly mass?: number | null
  readonly patchAuroc?: number | null
  readonly perturbation?: PerturbationRecord
}

export interface SubsetImage {
  readonly id: string
  readonly explained: number
  readonly probability: number
  readonly methods: Readonly<Record<string, SubsetMethod>>
}

export interface CiSubset {
  /** The perturbation fill of the run (normalised per channel), so the perturbed inputs are the same. */
  readonly fill: readonly number[]
  readonly images: readonly SubsetImage[]
  /** Evaluated methods left out of the subset, each with the reason (CI cannot recompute them). */
  readonly excluded?: Readonly<Record<string, string>>
}

/** How many images of the run (from the start of the split) go into the subset, besides one perturbation image. */
export const SUBSET_IMAGES = 2

function slim(r: ImageRecord, excluded: Readonly<Record<string, string>>): SubsetImage {
  return {
    id: r.id, explained: r.explained, probability: r.probability,
    methods: Object.fromEntries(Object.entries(r.methods).filter(([id]) => excluded[id] === undefined).map(([id, m]) => [id, {
      topPatch: m.topPatch, classContrast: m.classContrast,
      ...(m.localisation !== undefined ? { hit: m.localisation.hit, mass: m.localisation.mass, patchAuroc: m.localisation.patchAuroc } : {}),
      ...(m.perturbation !== undefined ? { perturbation: m.perturbation } : {}),
    }])),
  }
}

/** Computed on the CPU with its Scan graphs, as CI recomputes them (records from before `computedOn` were). */
const onCpu = (r: ImageRecord): boolean => r.computedOn === undefined || r.computedOn.startsWith('cpu')

/**
 * The first `SUBSET_IMAGES` records and the first record with perturbation results, without the methods in
 * `excluded` (id → why CI cannot recompute it), which the subset lists instead. Only records computed on the CPU:
 * a GPU record agrees to float rounding, but the random baseline is seeded from the bits of the image's maps, so it
 * draws another chance map there, which CI on the CPU could not reproduce.
 */
export function ciSubset(records: readonly ImageRecord[], fill: readonly number[], excluded: Readonly<Record<string, string>> = {}): CiSubset {
  const cpu = records.filter(onCpu)
  const first = cpu.slice(0, SUBSET_IMAGES)
  const pert = cpu.find((r) => Object.values(r.methods).some((m) => m.perturbation !== undefined))
  const images = [...first, ...(pert !== undefined && !first.includes(pert) ? [pert] : [])].map((r) => slim(r, excluded))
  return { fill, images, ...(Object.keys(excluded).length > 0 ? { excluded } : {}) }
}
