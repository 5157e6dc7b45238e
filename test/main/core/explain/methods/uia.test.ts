// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { uia } from '../../../../../main/core/explain/methods/uia'
import { syntheticModel, syntheticTaps } from '../synthetic'
import { relErr, uiaLiteral } from '../reference'

describe('uia (spec §3.6)', () => {
  const m = syntheticModel(14)

  it('== literal §3.6: minmax(mean_e u⁺ ⊙ ŝ) per layer (no minmax before the product), rollout', () => {
    for (const target of [0, 1]) {
      const r = uia.explain(syntheticTaps(m, target))
      expect(relErr(r.tokens, uiaLiteral(m, target, 3, 5))).toBeLessThan(1e-6)
    }
  })

  it('each per-layer vector spans exactly [0, 1] (minmax after the product)', () => {
    const lv = uia.layerVectors!(syntheticTaps(m, 0))
    for (const v of lv.vectors) {
      expect(Math.min(...v)).toBe(0)
      expect(Math.max(...v)).toBeCloseTo(1, 15)
    }
  })
})
