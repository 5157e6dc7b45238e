// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  mambaAttribution, mambaAttributionCorrected,
} from '../../../../../main/core/explain/methods/mamba-attribution'
import { AppError } from '../../../../../main/core/errors'
import { syntheticModel, syntheticTaps } from '../synthetic'
import { attributionLiteral, relErr } from '../reference'

describe('mamba-attribution (spec §3.4)', () => {
  const m = syntheticModel(13)

  it('== literal §3.4 (clamp, minmax over (E,L), × minmax of max_k G⁺, rollout) for two targets', () => {
    for (const target of [0, 2]) {
      const r = mambaAttribution.explain(syntheticTaps(m, target))
      expect(relErr(r.tokens, attributionLiteral(m, m.hma, target, 3, 5))).toBeLessThan(1e-6)
    }
  })

  it('gradient taps are indexed from gradFirstLayer (layer 4 only ≠ layer 3 only)', () => {
    const taps = syntheticTaps(m, 1)
    const r = mambaAttribution.explain(taps, { startLayer: 4, endLayer: 4 })
    expect(relErr(r.tokens, attributionLiteral(m, m.hma, 1, 4, 4))).toBeLessThan(1e-6)
    expect(() => mambaAttribution.explain(taps, { startLayer: 2 })).toThrow(AppError)
  })

  it('corrected variant uses the true CLS row', () => {
    const r = mambaAttributionCorrected.explain(syntheticTaps(m, 0))
    expect(relErr(r.tokens, attributionLiteral(m, m.trueRow, 0, 3, 5))).toBeLessThan(1e-6)
    expect(mambaAttributionCorrected.label).toBe('Mamba-Attribution (corrected row)')
  })
})
