// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { denormalizeChwToRgb8, normalizeRgb8ToChw } from '../../../../main/core/preprocess/normalize'

const stats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }

describe('normalizeRgb8ToChw', () => {
  it('computes (x/255 − mean)/std per channel into planar CHW, float32 like torchvision', () => {
    const rgb = new Uint8Array([255, 0, 128, 0, 255, 64]) // 2×1 pixels
    const t = normalizeRgb8ToChw(rgb, 2, 1, stats)
    const f = Math.fround
    const ref = (v: number, c: number): number => f(f(f(v / 255) - f(stats.mean[c]!)) / f(stats.std[c]!))
    expect(Array.from(t)).toEqual([ref(255, 0), ref(0, 0), ref(0, 1), ref(255, 1), ref(128, 2), ref(64, 2)])
  })

  it('round-trips through denormalizeChwToRgb8', () => {
    const rgb = new Uint8Array(4 * 3 * 3).map((_, i) => (i * 37) % 256)
    const back = denormalizeChwToRgb8(normalizeRgb8ToChw(rgb, 4, 3, stats), 4, 3, stats)
    expect(Array.from(back)).toEqual(Array.from(rgb))
  })

  it('rejects bad statistics and sizes', () => {
    expect(() => normalizeRgb8ToChw(new Uint8Array(3), 1, 1, { mean: [0, 0, 0], std: [1, 0, 1] })).toThrow()
    expect(() => normalizeRgb8ToChw(new Uint8Array(4), 1, 1, stats)).toThrow()
  })
})
