/**
 * Localisation against a lesion mask (pure). The mask is a 0/1 array of the model input's size,
 * produced by the same geometric preprocessing as the image (adapters/eval/mask.ts).
 *
 * - pointing game: the maximum of the upsampled map lies on the lesion (first maximum in row-major
 *   order, no tolerance; an all-zero map points at pixel 0);
 * - relevance mass in the lesion: Σ heat on the lesion / Σ heat (heat ≥ 0 after §3.1);
 * - patch AUROC: the 14×14 patch relevance scores against patch labels "at least half of the patch's
 *   pixels are lesion";
 * - the segmentation test of ALGORITHMS.md §4.2 (Chefer protocol): `Res = minmax(map)`, foreground
 *   `Res > mean(Res)`, pixel accuracy and IoU from counts summed over the data set, mAP = mean over
 *   images of the average precision of `[1 − Res, Res]` against the one-hot mask (NaN → 0).
 */
import { minmaxNormalise } from '../tensor/minmax'
import { argmax } from '../tensor/stats'
import { averagePrecision, rocAuc } from './rank'
import type { PatchGrid } from './perturbation'

/** True when the first maximum of `heatmap` lies on the mask. */
export function pointingHit(heatmap: ArrayLike<number>, mask: ArrayLike<number>): boolean {
  return mask[argmax(heatmap)] === 1
}

/** Share of the (non-negative) relevance on the mask; NaN for an all-zero map. */
export function massInMask(heatmap: ArrayLike<number>, mask: ArrayLike<number>): number {
  let inside = 0
  let total = 0
  for (let i = 0; i < heatmap.length; i++) {
    const v = Math.max(heatmap[i]!, 0)
    total += v
    if (mask[i] === 1) inside += v
  }
  return total > 0 ? inside / total : Number.NaN
}

/** 1 for each patch with at least `minShare` of its pixels on the mask (row-major patch order). */
export function patchLabels(mask: ArrayLike<number>, grid: PatchGrid, minShare = 0.5): Uint8Array {
  const w = grid.cols * grid.patchSize
  const out = new Uint8Array(grid.rows * grid.cols)
  for (let p = 0; p < out.length; p++) {
    const y0 = Math.floor(p / grid.cols) * grid.patchSize
    const x0 = (p % grid.cols) * grid.patchSize
    let on = 0
    for (let y = y0; y < y0 + grid.patchSize; y++) for (let x = x0; x < x0 + grid.patchSize; x++) on += mask[y * w + x] === 1 ? 1 : 0
    out[p] = on >= minShare * grid.patchSize * grid.patchSize ? 1 : 0
  }
  return out
}

/** Patch-level AUROC of the patch relevance against `patchLabels` (NaN when all labels agree). */
export function patchAuroc(patchRelevance: ArrayLike<number>, labels: ArrayLike<number>): number {
  return rocAuc(patchRelevance, labels)
}

/** Counts one image contributes to the §4.2 segmentation test, and its average precision. */
export interface SegmentationCounts {
  readonly correct: number
  readonly pixels: number
  /** Intersection and union per class: [background, foreground]. */
  readonly intersection: readonly [number, number]
  readonly union: readonly [number, number]
  readonly ap: number
}

/** §4.2 for one image (`heatmap` before normalisation; `mask` 0/1 of the same size). */
export function segmentationCounts(heatmap: ArrayLike<number>, mask: ArrayLike<number>): SegmentationCounts {
  const res = minmaxNormalise(heatmap).values
  const n = res.length
  let m = 0
  for (let i = 0; i < n; i++) m += res[i]!
  m /= n
  let correct = 0
  const inter: [number, number] = [0, 0]
  const uni: [number, number] = [0, 0]
  for (let i = 0; i < n; i++) {
    const pred = res[i]! > m ? 1 : 0
    const gt = mask[i] === 1 ? 1 : 0
    if (pred === gt) {
      correct++
      inter[gt]++
      uni[gt]++
    } else {
      uni[0]++
      uni[1]++
    }
  }
  // Both one-hot channels ranked together, scores [1 − Res, Res] (the order does not matter to AP).
  const scores = new Float64Array(2 * n)
  const labels = new Uint8Array(2 * n)
  for (let i = 0; i < n; i++) {
    scores[i] = 1 - res[i]!
    labels[i] = mask[i] === 1 ? 0 : 1
    scores[n + i] = res[i]!
    labels[n + i] = mask[i] === 1 ? 1 : 0
  }
  const ap = averagePrecision(scores, labels)
  return { correct, pixels: n, intersection: inter, union: uni, ap: Number.isNaN(ap) ? 0 : ap }
}

/** Pixel accuracy, mIoU and mAP over a data set from the per-image counts (§4.2), as fractions. */
export function segmentationScores(all: readonly SegmentationCounts[]): { pixelAccuracy: number; mIoU: number; mAP: number } {
  let correct = 0
  let pixels = 0
  const inter: [number, number] = [0, 0]
  const uni: [number, number] = [0, 0]
  let apSum = 0
  for (const c of all) {
    correct += c.correct
    pixels += c.pixels
    for (const k of [0, 1] as const) {
      inter[k] += c.intersection[k]
      uni[k] += c.union[k]
    }
    apSum += c.ap
  }
  return {
    pixelAccuracy: correct / pixels,
    mIoU: (inter[0] / uni[0] + inter[1] / uni[1]) / 2,
    mAP: apSum / all.length,
  }
}
