// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { runMethod } from '../../../../main/core/explain/run'
import { upsampleBilinear } from '../../../../main/core/explain/postprocess'
import { mambaRollout } from '../../../../main/core/explain/methods/mamba-rollout'
import { dropCls } from '../../../../main/core/layout'
import { AppError } from '../../../../main/core/errors'
import { syntheticModel, syntheticTaps } from './synthetic'

describe('runMethod (spec §3.1 pipeline)', () => {
  const taps = syntheticTaps(syntheticModel(41))

  it('patch = (tokens without c*)⁺; heatmap = bilinear of the patch grid', () => {
    const out = runMethod(mambaRollout, taps, {}, { width: 16, height: 12 })
    const want = Array.from(dropCls(taps.layout, out.tokens), (v) => Math.max(0, v))
    expect(Array.from(out.patchRelevance)).toEqual(Array.from(Float32Array.from(want)))
    const heat = upsampleBilinear(want, 4, 4, 12, 16)
    expect(Array.from(out.heatmap)).toEqual(Array.from(Float32Array.from(heat)))
  })

  it('validates tap shapes before running the method', () => {
    const bad = { ...taps, tensors: { hma_mean: { data: new Float32Array(6 * 17), shape: [17, 6] } } }
    expect(() => runMethod(mambaRollout, bad, {}, { width: 4, height: 4 })).toThrow(AppError)
  })
})
