// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { randomBaseline } from '../../../../../main/core/explain/methods/random-baseline'
import { syntheticModel, syntheticTaps } from '../synthetic'

describe('random-baseline', () => {
  const taps = syntheticTaps(syntheticModel(16), 0)

  it('is deterministic per seed and image, differs across seeds, lies in [0, 1) with CLS = 0', () => {
    const a = randomBaseline.explain(taps, { seed: 3 }).tokens
    expect(randomBaseline.explain(taps, { seed: 3 }).tokens).toEqual(a)
    expect(randomBaseline.explain(taps, { seed: 4 }).tokens).not.toEqual(a)
    expect(a[taps.layout.clsIndex]).toBe(0)
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true)
    expect(new Set(a).size).toBe(a.length)
  })

  it('draws a different map for a different image (no fixed seed-0 map)', () => {
    const other = syntheticTaps(syntheticModel(17), 0)
    expect(randomBaseline.explain(other).tokens).not.toEqual(randomBaseline.explain(taps).tokens)
    // Class-agnostic: the explained class (another graph run of the same image) does not change it.
    expect(randomBaseline.explain(syntheticTaps(syntheticModel(16), 1)).tokens).toEqual(randomBaseline.explain(taps).tokens)
  })
})
