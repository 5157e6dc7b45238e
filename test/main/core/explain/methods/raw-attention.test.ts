// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { rawAttention, rawAttentionCorrected } from '../../../../../main/core/explain/methods/raw-attention'
import { syntheticModel, syntheticTaps } from '../synthetic'
import { rawAttentionLiteral, relErr } from '../reference'

describe('raw-attention (spec §3.2)', () => {
  const m = syntheticModel(11)
  const taps = syntheticTaps(m)

  it('== mean over layers of mean_e minmax(a_l) on the full (E, L) arrays (default layers 3..5)', () => {
    const r = rawAttention.explain(taps)
    expect(r.degenerate).toBe(false)
    expect(relErr(r.tokens, rawAttentionLiteral(m, m.hma, 3, 5))).toBeLessThan(1e-6)
  })

  it('honours startLayer/endLayer (any layer, no gradient needed)', () => {
    const r = rawAttention.explain(taps, { startLayer: 0, endLayer: 2 })
    expect(relErr(r.tokens, rawAttentionLiteral(m, m.hma, 0, 2))).toBeLessThan(1e-6)
    expect(rawAttention.layerVectors?.(taps, { startLayer: 1, endLayer: 2 }).layers).toEqual([1, 2])
  })

  it('corrected variant reads the true CLS row instead', () => {
    const r = rawAttentionCorrected.explain(taps)
    expect(relErr(r.tokens, rawAttentionLiteral(m, m.trueRow, 3, 5))).toBeLessThan(1e-6)
    expect(relErr(r.tokens, rawAttention.explain(taps).tokens)).toBeGreaterThan(1e-3)
    expect(rawAttentionCorrected.official).toBe(false)
    expect(rawAttentionCorrected.needs).toEqual(['true_mean', 'true_range'])
  })

  it('a constant layer (max == min) gives zeros for that layer and the degenerate flag', () => {
    const range = Float32Array.from(taps.tensors.hma_range!.data)
    range.set([0.5, 0.5], 4 * 4)
    const flat = { ...taps, tensors: { ...taps.tensors, hma_range: { data: range, shape: [6, 4] } } }
    const r = rawAttention.explain(flat, { startLayer: 4, endLayer: 4 })
    expect(r.degenerate).toBe(true)
    expect(r.tokens.every((v) => v === 0)).toBe(true)
  })
})
