// @vitest-environment node
/** The test-only npz/npy reader (test/helpers/npz.ts) against values printed by numpy. */
import { describe, expect, it } from 'vitest'
import { loadNpz, npzF32, parseNpy } from '../helpers/npz'
import { SMALL_GOLDEN, TINY_GOLDEN, missingReason, titled } from './golden'

describe('parseNpy', () => {
  it('reads a hand-made v1 float16 array (widened to float32)', () => {
    const header = "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }"
    const padded = header.padEnd(118, ' ') + '\n'
    const bytes = new Uint8Array(10 + padded.length + 6)
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0])
    bytes.set(new TextEncoder().encode(padded), 10)
    new DataView(bytes.buffer).setUint16(10 + padded.length, 0x3c00, true) // 1
    new DataView(bytes.buffer).setUint16(12 + padded.length, 0xc000, true) // -2
    new DataView(bytes.buffer).setUint16(14 + padded.length, 0x0001, true) // 2^-24
    const a = parseNpy(bytes)
    expect(a.shape).toEqual([3])
    expect(Array.from(a.data as Float32Array)).toEqual([1, -2, Math.fround(2 ** -24)])
  })
})

const reason = missingReason([TINY_GOLDEN, SMALL_GOLDEN])
describe.skipIf(reason !== null)(titled('golden npz files', reason), () => {
  it('vim_tiny_golden.npz: shapes and values match numpy', () => {
    const z = loadNpz(TINY_GOLDEN)
    const logits = npzF32(z, 'logits')
    expect(logits.shape).toEqual([3, 1000])
    expect(Array.from(logits.data.subarray(0, 3))).toEqual(
      [0.6204561591148376, -0.058950915932655334, -0.5824456810951233].map(Math.fround),
    )
    expect(logits.data.reduce((s, v) => s + v, 0)).toBeCloseTo(33.29952874453738, 6)
    expect(npzF32(z, 'resid_grad_1').shape).toEqual([24, 197, 192])
    expect(npzF32(z, 'xai_vec_full_0_layers0_5_23').shape).toEqual([3, 384, 197])
  })

  it('vim_small_tokens_golden.npz: attention matrices', () => {
    const z = loadNpz(SMALL_GOLDEN)
    const a = npzF32(z, 'attn_fwd_0')
    expect(a.shape).toEqual([4, 128, 17, 17])
    expect(a.data[((2 * 128 + 5) * 17 + 10) * 17 + 3]).toBe(-0.00021266937255859375)
    expect(a.data.reduce((s, v) => s + v, 0)).toBeCloseTo(13.899974465370178, 4)
  })
})
