// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { massInMask, patchAuroc, patchLabels, pointingHit, segmentationCounts, segmentationScores } from '../../../../main/core/eval/localisation'
import { mulberry32 } from '../../../../main/core/tensor/prng'

const grid = { rows: 14, cols: 14, patchSize: 16 }
const N = 224 * 224

/** A hand-made lesion: the rectangle rows 64..127, cols 96..159 (4×4 whole patches). */
function rectMask(): Uint8Array {
  const m = new Uint8Array(N)
  for (let y = 64; y < 128; y++) for (let x = 96; x < 160; x++) m[y * 224 + x] = 1
  return m
}

function patchMeans(map: Float64Array): Float64Array {
  const out = new Float64Array(196)
  for (let i = 0; i < N; i++) out[Math.floor(Math.floor(i / 224) / 16) * 14 + Math.floor((i % 224) / 16)]! += map[i]! / 256
  return out
}

describe('localisation against a hand-made mask', () => {
  const mask = rectMask()
  const perfect = Float64Array.from(mask)
  const inverted = Float64Array.from(mask, (v) => 1 - v)
  const next = mulberry32(7)
  const random = Float64Array.from({ length: N }, () => next())

  it('patch labels: exactly the 16 covered patches', () => {
    const labels = patchLabels(mask, grid)
    expect(labels.reduce((s, v) => s + v, 0)).toBe(16)
    expect(labels[4 * 14 + 6]).toBe(1)
    expect(labels[3 * 14 + 6]).toBe(0)
  })

  it('a perfect map: hit, all mass inside, AUROC 1, pixel accuracy 1, mIoU 1, AP 1', () => {
    expect(pointingHit(perfect, mask)).toBe(true)
    expect(massInMask(perfect, mask)).toBe(1)
    expect(patchAuroc(patchMeans(perfect), patchLabels(mask, grid))).toBe(1)
    const s = segmentationScores([segmentationCounts(perfect, mask)])
    expect(s).toEqual({ pixelAccuracy: 1, mIoU: 1, mAP: 1 })
  })

  it('an inverted map: miss, no mass inside, AUROC 0, pixel accuracy 0', () => {
    expect(pointingHit(inverted, mask)).toBe(false)
    expect(massInMask(inverted, mask)).toBe(0)
    expect(patchAuroc(patchMeans(inverted), patchLabels(mask, grid))).toBe(0)
    expect(segmentationScores([segmentationCounts(inverted, mask)]).pixelAccuracy).toBe(0)
  })

  it('a random map: mass ≈ lesion area share, AUROC ≈ 0.5', () => {
    const area = 64 * 64 / N
    expect(massInMask(random, mask)).toBeCloseTo(area, 2)
    const auc = patchAuroc(patchMeans(random), patchLabels(mask, grid))
    expect(Math.abs(auc - 0.5)).toBeLessThan(0.25)
    const s = segmentationScores([segmentationCounts(random, mask)])
    expect(Math.abs(s.pixelAccuracy - 0.5)).toBeLessThan(0.02)
  })

  it('an all-zero map points at pixel 0 (off the lesion) and has no defined mass', () => {
    const zero = new Float64Array(N)
    expect(pointingHit(zero, mask)).toBe(false)
    expect(massInMask(zero, mask)).toBeNaN()
  })

  it('IoU counts sum over images (not a mean of per-image IoUs)', () => {
    const a = segmentationCounts(perfect, mask)
    const b = segmentationCounts(inverted, mask)
    const s = segmentationScores([a, b])
    expect(s.pixelAccuracy).toBe(0.5)
    expect(s.mIoU).toBeCloseTo((a.intersection[0] / (a.union[0] + b.union[0]) + a.intersection[1] / (a.union[1] + b.union[1])) / 2, 12)
  })
})
