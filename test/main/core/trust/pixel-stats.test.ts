import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../../main/core/tensor/prng'
import { pixelStatistics, PIXEL_STATS_DIM } from '../../../../main/core/trust/pixel-stats'

const grey = (w: number, h: number, f: (x: number, y: number) => number): Uint8Array => {
  const rgb = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.fill(Math.max(0, Math.min(255, Math.round(f(x, y)))), 3 * (y * w + x), 3 * (y * w + x) + 3)
  return rgb
}

describe('speckle-texture statistics of the domain guard', () => {
  it('a flat image: no correlation (log 1 = 0 at every lag), no local variation (the log floor)', () => {
    const s = pixelStatistics(grey(16, 16, () => 51), 16, 16)
    expect(s).toHaveLength(PIXEL_STATS_DIM)
    expect(Array.from(s.subarray(0, 3))).toEqual([0, 0, 0])
    expect(s[3]).toBeCloseTo(Math.log(1e-4), 12)
  })

  it('left half black, right half white: known correlations; only the white blocks count, and they are flat', () => {
    const s = pixelStatistics(grey(16, 16, (x) => (x < 8 ? 0 : 255)), 16, 16)
    // Horizontal lag k, per row of 16: pairs (x, x + k) for x < 16 − k; a = [x ≥ 8], b = [x + k ≥ 8].
    const corr = (k: number): number => {
      const m = 16 - k
      const a = Array.from({ length: m }, (_, x) => (x >= 8 ? 1 : 0))
      const b = Array.from({ length: m }, (_, x) => (x + k >= 8 ? 1 : 0))
      const mean = (v: number[]): number => v.reduce((p, q) => p + q, 0) / v.length
      const cov = mean(a.map((v, i) => v * b[i]!)) - mean(a) * mean(b)
      return cov / Math.sqrt((mean(a) - mean(a) ** 2) * (mean(b) - mean(b) ** 2))
    }
    // Vertically each pixel equals the one below: correlation 1. Averaged: (ρ_h + 1)/2, so 1 − ρ = (1 − ρ_h)/2.
    for (const [i, k] of [[0, 1], [1, 2], [2, 4]] as const) expect(s[i]).toBeCloseTo(Math.log((1 - corr(k)) / 2), 12)
    expect(corr(1)).toBeCloseTo(0.875, 12)
    expect(s[3]).toBeCloseTo(Math.log(1e-4), 12)
  })

  it('tells i.i.d. noise, smooth gradients and speckle-like grain apart', () => {
    const next = mulberry32(3)
    const noise = pixelStatistics(grey(64, 64, () => 128 + 40 * (next() - 0.5)), 64, 64)
    const smooth = pixelStatistics(grey(64, 64, (x, y) => 60 + x + y), 64, 64)
    // Grain two pixels wide: each 2 × 2 cell one exponential draw (multiplicative, as speckle).
    const cells = Array.from({ length: 32 * 32 }, () => -Math.log(1 - next()))
    const grain = pixelStatistics(grey(64, 64, (x, y) => 70 * cells[(y >> 1) * 32 + (x >> 1)]!), 64, 64)
    expect(noise[0]).toBeGreaterThan(-0.1) // ρ1 ≈ 0
    expect(smooth[0]).toBeLessThan(-6) // ρ1 ≈ 1
    expect(grain[0]).toBeGreaterThan(smooth[0]! + 2)
    expect(grain[0]).toBeLessThan(noise[0]! - 0.3)
    // Exponential grain: local std ≈ mean, so log CV near 0; the smooth ramp's blocks barely vary.
    expect(Math.abs(grain[3]!)).toBeLessThan(0.5)
    expect(smooth[3]).toBeLessThan(-3)
  })

  it('rejects a buffer that does not match the size', () => {
    expect(() => pixelStatistics(new Uint8Array(5), 2, 2)).toThrow(/does not match/)
  })
})
