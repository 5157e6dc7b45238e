/**
 * The quick deletion check of one map (issue 13 item 3): replace the most relevant patches — and, as the
 * control, the same number of random patches — by the data set's mean grey and watch the explained class's
 * probability. A faithful map makes it drop faster than random patches do. A mini version of the
 * perturbation test of ALGORITHMS.md §4.1 (one image, 4 fractions), small enough to run with every result:
 * 8 perturbed inputs in one batch. The random patches are seeded per image (imageSeed): they do not depend on
 * the map, so the worker reuses their probabilities for the other methods of the same input.
 */
import { mulberry32 } from '../tensor/prng'
import type { DeletionPoint, FaithfulnessCheck } from './types'

/** Shares of patches replaced (each once by relevance, once at random). */
export const DELETION_FRACTIONS = [0.1, 0.2, 0.3, 0.5] as const

/** Patch indices sorted by relevance, largest first (ties and non-finite values: lower index first / last). */
export function patchesByRelevance(relevance: ArrayLike<number>): number[] {
  const v = (i: number): number => (Number.isFinite(relevance[i]!) ? relevance[i]! : -Infinity)
  return Array.from({ length: relevance.length }, (_, i) => i).sort((a, b) => v(b) - v(a) || a - b)
}

/** A seeded permutation of 0..n−1 (Fisher–Yates): the random control, the same for a given seed. */
export function randomOrder(n: number, seed: number): number[] {
  const next = mulberry32(seed)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

/**
 * The random control's seed for one input: FNV-1a over the bits of the model input, so every image gets its
 * own random patches (one fixed order for all images would be a fixed pattern, not a chance floor) and the
 * same image always gets the same ones.
 */
export function imageSeed(tensor: Float32Array): number {
  const bits = new Uint32Array(tensor.buffer, tensor.byteOffset, tensor.length)
  let h = 0x811c9dc5
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193)
  return h >>> 0
}

/** Where the patches sit in the model input. */
export interface PatchGeometry {
  readonly gridRows: number
  readonly gridCols: number
  readonly patchSize: number
  readonly width: number
  readonly height: number
}

/** One perturbed input per entry: the patch sets to replace, relevance-ordered sets first. */
export interface DeletionPlan {
  readonly fractions: readonly number[]
  readonly counts: readonly number[]
  /** Seed of the random control's patch order (imageSeed of the input). */
  readonly seed: number
  /** 2·fractions.length patch sets: [relevant f1, …, relevant fn, random f1, …, random fn]. */
  readonly sets: readonly (readonly number[])[]
}

export function deletionPlan(relevance: ArrayLike<number>, seed: number, fractions: readonly number[] = DELETION_FRACTIONS): DeletionPlan {
  const n = relevance.length
  const byRel = patchesByRelevance(relevance)
  const rand = randomOrder(n, seed)
  const counts = fractions.map((f) => Math.max(1, Math.round(f * n)))
  return { fractions, counts, seed, sets: [...counts.map((k) => byRel.slice(0, k)), ...counts.map((k) => rand.slice(0, k))] }
}

/**
 * The normalised value of a grey level in each channel: (grey/255 − mean_c)/std_c, what a patch of that grey
 * becomes after the card's normalisation.
 */
export function greyFill(grey: number, mean: readonly number[], std: readonly number[]): Float32Array {
  return Float32Array.from(mean, (m, c) => (grey / 255 - m) / std[c]!)
}

/** The perturbed inputs of a plan, as one [N, 3, H, W] batch (N = plan.sets.length). */
export function perturbedBatch(tensor: Float32Array, geo: PatchGeometry, plan: DeletionPlan, fill: Float32Array): Float32Array {
  const plane = geo.width * geo.height
  if (tensor.length !== 3 * plane) throw new Error(`input has ${tensor.length} values, expected ${3 * plane}`)
  const out = new Float32Array(plan.sets.length * 3 * plane)
  plan.sets.forEach((set, b) => {
    const base = b * 3 * plane
    out.set(tensor, base)
    for (const p of set) {
      const y0 = Math.floor(p / geo.gridCols) * geo.patchSize
      const x0 = (p % geo.gridCols) * geo.patchSize
      for (let c = 0; c < 3; c++) {
        for (let y = y0; y < Math.min(geo.height, y0 + geo.patchSize); y++) {
          const row = base + c * plane + y * geo.width
          out.fill(fill[c]!, row + x0, row + Math.min(geo.width, x0 + geo.patchSize))
        }
      }
    }
  })
  return out
}

/** The check's result from the probabilities of the explained class on the plan's inputs. */
export function summarizeDeletion(
  methodId: string, classIndex: number, original: number, plan: DeletionPlan, probabilities: ArrayLike<number>, fill: string, durationMs: number,
): FaithfulnessCheck {
  const n = plan.fractions.length
  if (probabilities.length !== 2 * n) throw new Error(`expected ${2 * n} probabilities, got ${probabilities.length}`)
  const points: DeletionPoint[] = plan.fractions.map((fraction, i) => ({
    fraction, patches: plan.counts[i]!, relevant: probabilities[i]!, random: probabilities[n + i]!,
  }))
  const margin = points.reduce((s, p) => s + (p.random - p.relevant), 0) / Math.max(1, n)
  return { methodId, classIndex, original, points, margin, fill, randomSeed: plan.seed, durationMs }
}
