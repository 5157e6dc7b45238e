// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { blackImage, integratedGradientInputs, integratedGradients, smoothGrad, smoothGradInputs } from '../../../../main/core/eval/gradient-baselines'
import { dropCls, makeLayout } from '../../../../main/core/layout'
import { mulberry32 } from '../../../../main/core/tensor/prng'

const norm = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }
const layout = makeLayout(2, 2)
const grid = { rows: 2, cols: 2, patchSize: 4 }
const size = 3 * 8 * 8

describe('gradient baselines on a linear model (known answers)', () => {
  const next = mulberry32(11)
  const w = Float32Array.from({ length: size }, () => next() - 0.5)
  const x = Float32Array.from({ length: size }, () => 2 * next() - 1)
  const T = (v: Float32Array): number => v.reduce((s, vi, i) => s + vi * w[i]!, 0)

  it('IG inputs run from the black baseline towards x at the step midpoints', () => {
    const inputs = integratedGradientInputs(x, norm, 4)
    const base = blackImage(size, norm)
    expect(inputs).toHaveLength(4)
    expect(inputs[0]![0]).toBeCloseTo(base[0]! + 0.125 * (x[0]! - base[0]!), 6)
    expect(inputs[3]![size - 1]).toBeCloseTo(base[size - 1]! + 0.875 * (x[size - 1]! - base[size - 1]!), 6)
  })

  it('IG is complete: its patch sums add up to T(x) − T(black); CLS 0', () => {
    const grads = integratedGradientInputs(x, norm, 4).map(() => w) // a linear model's gradient is w everywhere
    const tokens = integratedGradients(x, grads, norm, grid, layout)
    expect(tokens[layout.clsIndex]).toBe(0)
    const total = dropCls(layout, tokens).reduce((s, v) => s + v, 0)
    expect(total).toBeCloseTo(T(x) - T(blackImage(size, norm)), 4)
  })

  it('SmoothGrad of a linear model is |w| summed per patch; noise is seeded and scaled to the input range', () => {
    const noisy = smoothGradInputs(x, 5, 3)
    expect(smoothGradInputs(x, 5, 3)).toEqual(noisy)
    expect(smoothGradInputs(x, 6, 3)[0]).not.toEqual(noisy[0])
    const spread = Math.sqrt(noisy[0]!.reduce((s, v, i) => s + (v - x[i]!) ** 2, 0) / size)
    expect(spread).toBeGreaterThan(0.15 * 2 * 0.8 * 0.8)
    expect(spread).toBeLessThan(0.15 * 2 * 1.2)
    const tokens = smoothGrad([w, w, w], grid, layout)
    const patch0 = [0, 1, 2].reduce((s, c) => s + [0, 1, 2, 3].reduce((a, y) => a + [0, 1, 2, 3].reduce((b, xx) => b + Math.abs(w[c * 64 + y * 8 + xx]!), 0), 0), 0)
    expect(dropCls(layout, tokens)[0]).toBeCloseTo(patch0, 5)
  })
})
