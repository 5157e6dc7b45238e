// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { attentionFactors, attentionFactorsFromTaps } from '../../../../main/core/attention/factors'
import { attentionColumn, attentionRow } from '../../../../main/core/attention/row-col'
import { attentionMatrix } from '../../../../main/core/attention/matrix'
import { AppError } from '../../../../main/core/errors'
import { syntheticModel, syntheticTaps } from '../explain/synthetic'

const taps = syntheticTaps(syntheticModel(31))
const f = attentionFactorsFromTaps(taps)
const L = f.tokens

describe('factors', () => {
  it('refuses bad layers, tokens and inconsistent shapes', () => {
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn()
      } catch (e) {
        return e instanceof AppError ? e.code : 'other'
      }
      return undefined
    }
    expect(codeOf(() => attentionRow(f, f.layers, 0, 0))).toBe('explain/layer-range')
    expect(codeOf(() => attentionColumn(f, 0, 0, L))).toBe('explain/invalid-token')
    expect(codeOf(() => attentionMatrix(f, -1, 1))).toBe('explain/layer-range')
    const t = taps.tensors
    expect(codeOf(() => attentionFactors({ delta: t.delta!, B: t.B!, C: t.C!, A: { data: new Float32Array(6 * 2 * 8 * 3), shape: [6, 2, 8, 3] } }))).toBe('explain/tap-shape')
  })
})
