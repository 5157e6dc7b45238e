import { describe, expect, it } from 'vitest'
import { deletionPlan, greyFill, imageSeed, patchesByRelevance, perturbedBatch, randomOrder, summarizeDeletion } from '../../../../main/core/trust/deletion-check'

describe('quick deletion check', () => {
  it('orders patches by relevance, ties by index, non-finite last', () => {
    expect(patchesByRelevance([0.1, 0.9, NaN, 0.9, 0.5])).toEqual([1, 3, 4, 0, 2])
  })

  it('a seeded random order is a permutation and repeats for the same seed', () => {
    const a = randomOrder(196, 7)
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 196 }, (_, i) => i))
    expect(randomOrder(196, 7)).toEqual(a)
    expect(randomOrder(196, 8)).not.toEqual(a)
  })

  it('seeds the random control per image: the same input, the same seed; another input, another seed', () => {
    const a = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i))
    const b = a.slice()
    b[12345] = b[12345]! + 0.5
    expect(imageSeed(a)).toBe(imageSeed(a.slice()))
    expect(imageSeed(b)).not.toBe(imageSeed(a))
    expect(Number.isInteger(imageSeed(a)) && imageSeed(a) >= 0 && imageSeed(a) < 2 ** 32).toBe(true)
    // Different images get different random patches (the old fixed seed 0 gave every image the same ones).
    const rel = new Float32Array(196)
    expect(deletionPlan(rel, imageSeed(a)).sets[4]).not.toEqual(deletionPlan(rel, imageSeed(b)).sets[4])
  })

  it('plans 10/20/30/50 % of 196 patches twice: by relevance, then at random', () => {
    const rel = Float32Array.from({ length: 196 }, (_, i) => i)
    const plan = deletionPlan(rel, 0)
    expect(plan.counts).toEqual([20, 39, 59, 98])
    expect(plan.sets).toHaveLength(8)
    expect(plan.sets[0]).toEqual(Array.from({ length: 20 }, (_, i) => 195 - i))
    expect(plan.sets[4]).toHaveLength(20)
  })

  it('replaces exactly the planned patches with the normalised grey', () => {
    const geo = { gridRows: 2, gridCols: 2, patchSize: 2, width: 4, height: 4 }
    const tensor = Float32Array.from({ length: 48 }, (_, i) => i)
    const fill = greyFill(255, [0, 0.5, 1], [1, 0.5, 0.25])
    expect(Array.from(fill)).toEqual([1, 1, 0])
    const plan = { fractions: [0.25], counts: [1], seed: 0, sets: [[3], [0]] }
    const out = perturbedBatch(tensor, geo, plan, fill)
    expect(out).toHaveLength(96)
    // Input 0: patch 3 = rows 2-3, cols 2-3 of each channel.
    const changed = Array.from(out.subarray(0, 48).keys()).filter((i) => out[i] !== tensor[i])
    expect(changed).toEqual([10, 11, 14, 15, 26, 27, 30, 31, 42, 43, 46, 47])
    expect(out[10]).toBe(1)
    expect(out[42]).toBe(0)
    // Input 1: patch 0 = rows 0-1, cols 0-1.
    expect(Array.from(out.subarray(48, 48 + 6))).toEqual([1, 1, 2, 3, 1, 1])
  })

  it('summarises the curve and the mean margin over random patches', () => {
    const plan = { fractions: [0.1, 0.5], counts: [20, 98], seed: 42, sets: [[], [], [], []] }
    const s = summarizeDeletion('m', 1, 0.81, plan, [0.22, 0.1, 0.78, 0.5], 'grey 60', 12)
    expect(s.points).toEqual([{ fraction: 0.1, patches: 20, relevant: 0.22, random: 0.78 }, { fraction: 0.5, patches: 98, relevant: 0.1, random: 0.5 }])
    expect(s.margin).toBeCloseTo((0.56 + 0.4) / 2, 12)
    expect(s.randomSeed).toBe(42)
    expect(() => summarizeDeletion('m', 1, 0.8, plan, [0.1], '', 0)).toThrow(/expected 4/)
  })
})
