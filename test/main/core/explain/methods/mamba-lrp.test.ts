// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { mambaLrp } from '../../../../../main/core/explain/methods/mamba-lrp'
import { runMethod } from '../../../../../main/core/explain/run'
import { dropCls } from '../../../../../main/core/layout'
import { syntheticModel, syntheticTaps } from '../synthetic'

describe('mamba-lrp (spec §3.7)', () => {
  const taps = syntheticTaps(syntheticModel(15), 1)
  const lrp = taps.tensors.lrp!.data

  it('token relevance is the lrp tap itself (signed, CLS included)', () => {
    expect(Array.from(mambaLrp.explain(taps).tokens)).toEqual(Array.from(lrp))
  })

  it('the patch map is the positive part with index c* dropped', () => {
    const out = runMethod(mambaLrp, taps, {}, { width: 8, height: 8 })
    const want = Array.from(dropCls(taps.layout, lrp), (v) => Math.max(v, 0))
    expect(Array.from(out.patchRelevance)).toEqual(Array.from(Float32Array.from(want)))
    expect(want.some((v) => v === 0)).toBe(true) // negatives existed and were clamped
  })

  it('ignores the layer range', () => {
    expect(mambaLrp.explain(taps, { startLayer: 5 }).tokens).toEqual(mambaLrp.explain(taps).tokens)
  })
})
