import { describe, expect, it } from 'vitest'
import { cascadeSteps, groupOf, randomiseWeights, type WeightTensor } from '../../../../main/core/eval/randomise'

const ramp = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i))
const stats = (a: ArrayLike<number>): [number, number] => {
  let s = 0
  let q = 0
  for (let i = 0; i < a.length; i++) { s += a[i]!; q += a[i]! * a[i]! }
  const m = s / a.length
  return [m, Math.sqrt(q / a.length - m * m)]
}

const weights: WeightTensor[] = [
  { name: 'patch_w_6', dims: [4, 500], data: ramp(2000, (i) => (i % 7) - 3) },
  { name: 'l0_in_proj_20', dims: [40, 50], data: ramp(2000, (i) => Math.sin(i)) },
  { name: 'l1_in_proj_281', dims: [40, 50], data: ramp(2000, (i) => 5 + Math.cos(i)) },
  // per direction: forward all 1, backward all 10 (constant per direction → stays constant)
  { name: 'l1_D_292', dims: [2, 1, 1000], data: ramp(2000, (i) => (i < 1000 ? 1 : 10)) },
  { name: 'l1_A_ne_291', dims: [2, 16, 125], data: ramp(4000, (i) => -Math.exp((i % 16) / 4)) },
  { name: 'l1_conv_w0_283', dims: [2, 1, 1000], data: ramp(2000, () => 2) },
  { name: 'l1_conv_w1_284', dims: [2, 1, 1000], data: ramp(2000, () => 4) },
  { name: 'l1_eye_294', dims: [2, 2], data: Float32Array.of(1, 0, 0, 1) },
  { name: 'head_w_2826', dims: [2, 1000], data: ramp(2000, (i) => (i % 2 ? 0.5 : -0.5)) },
]

describe('cascading randomisation of graph weights', () => {
  it('cascade order: head, blocks from the top, embedding; initializers map to their group', () => {
    expect(cascadeSteps(3)).toEqual(['head', 'block 2', 'block 1', 'block 0', 'embedding'])
    expect(groupOf('l11_conv_w3_25')).toEqual({ group: 'block 11', role: 'conv_w', layer: 11 })
    expect(groupOf('head_b_2835')?.group).toBe('head')
    expect(groupOf('pos_embed_17')?.group).toBe('embedding')
    expect(groupOf('l1_eye_294')).toBeNull()
  })

  it('re-draws exactly the chosen groups, each tensor with its own mean and std', () => {
    const out = randomiseWeights(weights, new Set(['head', 'block 1']), 0)
    expect(out[0]!.data).toBe(weights[0]!.data) // embedding untouched
    expect(out[1]!.data).toBe(weights[1]!.data) // block 0 untouched
    expect(out[7]!.data).toBe(weights[7]!.data) // a graph constant, not a parameter
    const [m0, s0] = stats(weights[2]!.data)
    const [m1, s1] = stats(out[2]!.data)
    expect(out[2]!.data).not.toEqual(weights[2]!.data)
    expect(Math.abs(m1 - m0)).toBeLessThan(0.05)
    expect(Math.abs(s1 - s0)).toBeLessThan(0.05)
    const [hm, hs] = stats(out[8]!.data)
    expect(Math.abs(hm)).toBeLessThan(0.05)
    expect(Math.abs(hs - 0.5)).toBeLessThan(0.05)
  })

  it('per direction, conv taps as one tensor, A through A_log (stays negative)', () => {
    const out = randomiseWeights(weights, new Set(['block 1']), 1)
    const d = out[3]!.data
    expect(d.subarray(0, 1000).every((v) => v === 1)).toBe(true) // constant per direction stays constant
    expect(d.subarray(1000).every((v) => v === 10)).toBe(true)
    const taps = [...out[5]!.data, ...out[6]!.data]
    const [cm, cs] = stats(taps)
    expect(Math.abs(cm - 3)).toBeLessThan(0.1) // taps 2 and 4 pooled: mean 3, std 1
    expect(Math.abs(cs - 1)).toBeLessThan(0.1)
    expect(out[4]!.data.every((v) => v < 0)).toBe(true)
    const [lm] = stats(Array.from(out[4]!.data, (v) => Math.log(-v)))
    expect(Math.abs(lm - 1.875)).toBeLessThan(0.1) // mean of (i % 16) / 4
  })

  it('is seeded: same seed same draw, another seed another', () => {
    const a = randomiseWeights(weights, new Set(['head']), 3)[8]!.data
    expect(randomiseWeights(weights, new Set(['head']), 3)[8]!.data).toEqual(a)
    expect(randomiseWeights(weights, new Set(['head']), 4)[8]!.data).not.toEqual(a)
  })
})
