import { describe, expect, it } from 'vitest'
import { ciSubset } from '../../../../main/core/eval/ci-subset'
import { positionalHotspot, topPatch } from '../../../../main/core/eval/hotspot'
import type { ImageRecord } from '../../../../main/core/eval/records'
import { centreGaussianPatches } from '../../../../main/core/eval/reference-maps'
import { makeLayout } from '../../../../main/core/layout'

describe('positional hot spot (hand-made cases)', () => {
  it('the top patch is the first maximum', () => {
    expect(topPatch([0, 3, 1, 3])).toBe(1)
  })
  it('a map always hot at patch 97 (row 6, col 13: the token before the middle CLS) is a hot spot off the lesion', () => {
    const lesion = [[20, 21], [100, 101], [97, 98], [5]]
    expect(positionalHotspot([97, 97, 97, 3], 14, lesion)).toEqual({ share: 0.75, cell: [6, 13], images: 4, offLesionShare: 0.5 })
  })
  it('a perfect lesion map clusters on lesions but is never off them; ties pick the lowest patch', () => {
    const h = positionalHotspot([20, 100, 20, 100], 14, [[20], [100], [20], [100]])
    expect(h.cell).toEqual([1, 6])
    expect(h.share).toBe(0.5)
    expect(h.offLesionShare).toBe(0)
  })
})

describe('centre-Gaussian reference', () => {
  it('peaks on the four centre patches of the 14×14 grid and is symmetric', () => {
    const g = centreGaussianPatches(makeLayout(14, 14))
    const max = Math.max(...g)
    expect([6 * 14 + 6, 6 * 14 + 7, 7 * 14 + 6, 7 * 14 + 7].map((i) => g[i])).toEqual([max, max, max, max])
    expect(g[0]).toBeCloseTo(g[195]!, 12)
    expect(g[0]).toBeLessThan(0.1 * max)
  })
})

describe('CI subset', () => {
  const rec = (id: string, pert: boolean): ImageRecord => ({
    id, label: 0, explained: 0, probability: 0.9, lesionPatches: [1, 2],
    methods: { m: { topPatch: 1, classContrast: 0.5, localisation: { hit: true, mass: 0.4, patchAuroc: 0.8, segmentation: { correct: 1, pixels: 2, intersection: [1, 1], union: [1, 1], ap: 1 } },
      ...(pert ? { perturbation: { positiveCorrect: [1], negativeCorrect: [1], deletion: [0.9, 0.1], insertion: [0.1, 0.9] } } : {}) } },
  })
  it('the first two images and the first perturbation image; scalars only (no segmentation counts, no lesion patches)', () => {
    const s = ciSubset([rec('a', false), rec('b', false), rec('c', false), rec('d', true), rec('e', true)], [0.1, 0.2, 0.3])
    expect(s.images.map((i) => i.id)).toEqual(['a', 'b', 'd'])
    expect(s.fill).toEqual([0.1, 0.2, 0.3])
    expect(s.images[0]!.methods['m']).toEqual({ topPatch: 1, classContrast: 0.5, hit: true, mass: 0.4, patchAuroc: 0.8 })
    expect(s.images[2]!.methods['m']!.perturbation?.deletion).toEqual([0.9, 0.1])
    expect(JSON.stringify(s)).not.toContain('lesionPatches')
    expect(s.excluded).toBeUndefined()
  })
  it('takes only records computed on the CPU, which CI can reproduce (a GPU record\'s random baseline is another draw)', () => {
    const gpu = (r: ImageRecord): ImageRecord => ({ ...r, computedOn: 'cuda: gpuGraph, gpuClassifierGraph' })
    const s = ciSubset([gpu(rec('a', true)), { ...rec('b', false), computedOn: 'cpu: explainer' }, rec('c', false), gpu(rec('d', true)), rec('e', true)], [0, 0, 0])
    expect(s.images.map((i) => i.id)).toEqual(['b', 'c', 'e'])
  })
  it('leaves out the excluded methods (CI cannot recompute them) and lists each with its reason', () => {
    const two = (id: string): ImageRecord => { const r = rec(id, false); return { ...r, methods: { ...r.methods, g: r.methods['m']! } } }
    const s = ciSubset([two('a'), two('b')], [0, 0, 0], { g: 'needs grad_input' })
    expect(s.images.map((i) => Object.keys(i.methods))).toEqual([['m'], ['m']])
    expect(s.excluded).toEqual({ g: 'needs grad_input' })
  })
})
