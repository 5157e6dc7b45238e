/** The heatmap in words (main/core/ui/summary.ts). */
import { describe, expect, it } from 'vitest'
import { describeSummary, relevanceRanks, summarizeRelevance } from '@core/ui/summary'

const grid = { gridRows: 14, gridCols: 14 }

describe('relevance summary', () => {
  it('ranks patches, 1 = most relevant, ties in patch order', () => {
    expect(Array.from(relevanceRanks([0.1, 0.9, 0.5, 0.9]))).toEqual([4, 1, 3, 2])
  })

  it('finds the region and the share of a concentrated map', () => {
    const v = new Float32Array(196).fill(0.001)
    v[7 * 14 + 7] = 1 // centre
    v[7 * 14 + 6] = 1
    const s = summarizeRelevance(v, grid)
    expect(s.flat).toBe(false)
    expect(s.regions[0]?.name).toBe('centre')
    expect(s.regions[0]!.share).toBeGreaterThan(0.9)
    expect(s.topPatches[0]).toMatchObject({ row: 7, col: 6 })
    expect(s.topDecileShare).toBeGreaterThan(0.9)
    const text = describeSummary(s, 'Rollout', 196)
    expect(text).toContain('centre')
    expect(text).toMatch(/20 most relevant of 196 patches hold 9\d%/)
    expect(text).toContain('row 8, column 7')
  })

  it('negative relevance counts as zero; an all-negative map is shifted; a flat map says so', () => {
    const mixed = new Float32Array(196).fill(-1)
    mixed[0] = 2
    expect(summarizeRelevance(mixed, grid).regions[0]).toEqual({ name: 'top-left', share: 1 })
    const negative = new Float32Array(196).fill(-2)
    negative[195] = -1
    expect(summarizeRelevance(negative, grid).regions[0]?.name).toBe('bottom-right')
    const flat = summarizeRelevance(new Float32Array(196).fill(3), grid)
    expect(flat.flat).toBe(true)
    expect(describeSummary(flat, 'X', 196)).toMatch(/flat/)
  })
})
