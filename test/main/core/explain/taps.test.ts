// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { gradRow, layerRow, requireTap, resolveLayers, restrictTaps } from '../../../../main/core/explain/taps'
import { AppError } from '../../../../main/core/errors'
import { syntheticModel, syntheticTaps } from './synthetic'

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return e instanceof AppError ? e.code : 'not-app-error'
  }
  return undefined
}

describe('taps', () => {
  const taps = syntheticTaps(syntheticModel())

  it('requireTap refuses missing and mis-shaped taps', () => {
    expect(codeOf(() => requireTap(restrictTaps(taps, []), 'hma_mean'))).toBe('explain/missing-tap')
    const bad = { ...taps, tensors: { ...taps.tensors, hma_mean: { data: new Float32Array(6 * 16), shape: [6, 16] } } }
    expect(codeOf(() => requireTap(bad, 'hma_mean'))).toBe('explain/tap-shape')
    const lying = { ...taps, tensors: { ...taps.tensors, lrp: { data: new Float32Array(3), shape: [17] } } }
    expect(codeOf(() => requireTap(lying, 'lrp'))).toBe('explain/tap-shape')
  })

  it('resolveLayers: defaults gradFirstLayer..Λ−1; gradient methods cannot go below gradFirstLayer', () => {
    expect(resolveLayers(taps, {}, true)).toEqual([3, 4, 5])
    expect(resolveLayers(taps, { startLayer: 0, endLayer: 1 }, false)).toEqual([0, 1])
    expect(codeOf(() => resolveLayers(taps, { startLayer: 2 }, true))).toBe('explain/layer-range')
    expect(codeOf(() => resolveLayers(taps, { endLayer: 6 }, false))).toBe('explain/layer-range')
    expect(codeOf(() => resolveLayers(taps, { startLayer: 5, endLayer: 4 }, false))).toBe('explain/layer-range')
    expect(codeOf(() => resolveLayers(taps, { startLayer: 1.5 }, false))).toBe('explain/layer-range')
  })

  it('gradRow offsets absolute layers by gradFirstLayer', () => {
    const g = taps.tensors.grad_max_pos!
    expect(gradRow(taps, 'grad_max_pos', 3)).toEqual(g.data.subarray(0, 17))
    expect(gradRow(taps, 'grad_max_pos', 5)).toEqual(g.data.subarray(34, 51))
    expect(codeOf(() => gradRow(taps, 'grad_max_pos', 2))).toBe('explain/layer-range')
    expect(layerRow(taps, 'hma_mean', 5)).toEqual(taps.tensors.hma_mean!.data.subarray(85, 102))
  })
})
