// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { mambaRollout, mambaRolloutCorrected } from '../../../../../main/core/explain/methods/mamba-rollout'
import { syntheticModel, syntheticTaps } from '../synthetic'
import { relErr, rolloutLiteral } from '../reference'

describe('mamba-rollout (spec §3.3)', () => {
  const m = syntheticModel(12)
  const taps = syntheticTaps(m)

  it('== explicit-matrix rollout of the signed channel means (no clamp, no normalisation)', () => {
    const r = mambaRollout.explain(taps)
    expect(relErr(r.tokens, rolloutLiteral(m, m.hma, 3, 5))).toBeLessThan(1e-6)
    expect(relErr(mambaRollout.explain(taps, { startLayer: 1 }).tokens, rolloutLiteral(m, m.hma, 1, 5))).toBeLessThan(1e-6)
  })

  it('corrected variant uses true_mean', () => {
    const r = mambaRolloutCorrected.explain(taps)
    expect(relErr(r.tokens, rolloutLiteral(m, m.trueRow, 3, 5))).toBeLessThan(1e-6)
    expect(mambaRolloutCorrected.label).toBe('Mamba-Rollout (corrected row)')
  })
})
