// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { binomialSmooth, lrpGatedAttention } from '../../../../../main/core/explain/methods/lrp-gated-attention'
import { uia } from '../../../../../main/core/explain/methods/uia'
import { dropCls, makeLayout } from '../../../../../main/core/layout'
import type { TapSet } from '../../../../../main/core/explain/method'
import { syntheticModel, syntheticTaps } from '../synthetic'

describe('lrp-gated-attention', () => {
  const layout = makeLayout(4, 4)

  it('binomial smoothing keeps constants, spreads an impulse 4/2/1 over 16, replicates edges', () => {
    expect(Array.from(binomialSmooth(new Array(16).fill(3), layout))).toEqual(new Array(16).fill(3))
    const impulse = new Array(16).fill(0)
    impulse[5] = 16 // row 1, col 1
    const s = binomialSmooth(impulse, layout)
    expect([s[5], s[4], s[6], s[1], s[0], s[10], s[15]]).toEqual([4, 2, 2, 2, 1, 1, 0])
  })

  it('is the product of the max-normalised smoothed LRP⁺ and UIA⁺, CLS 0', () => {
    const taps = syntheticTaps(syntheticModel(5), 1)
    const out = lrpGatedAttention.explain(taps).tokens
    const lrp = binomialSmooth(dropCls(taps.layout, taps.tensors.lrp!.data), taps.layout).map((v) => Math.max(v, 0))
    const u = dropCls(taps.layout, uia.explain(taps).tokens).map((v) => Math.max(v, 0))
    const lm = Math.max(...lrp)
    const um = Math.max(...u)
    const patches = dropCls(taps.layout, out)
    patches.forEach((v, i) => expect(v).toBeCloseTo((lrp[i]! / lm) * (u[i]! / um), 12))
    expect(out[taps.layout.clsIndex]).toBe(0)
  })

  it('negative LRP (evidence for the other class) zeroes a patch whatever its attention', () => {
    const base = syntheticTaps(syntheticModel(5), 1)
    const lrp = new Float32Array(base.layout.tokens).fill(-1)
    const taps: TapSet = { ...base, tensors: { ...base.tensors, lrp: { data: lrp, shape: [base.layout.tokens] } } }
    const r = lrpGatedAttention.explain(taps)
    expect(r.tokens.every((v) => v === 0)).toBe(true)
    expect(r.degenerate).toBe(true)
  })
})
