import { describe, expect, it } from 'vitest'
import { pixelStatistics, PIXEL_STATS_DIM } from '../../../../main/core/trust/pixel-stats'

const W = 8
const H = 8
const grey = (f: (x: number, y: number) => number): Uint8Array => {
  const rgb = new Uint8Array(W * H * 3)
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.fill(f(x, y), 3 * (y * W + x), 3 * (y * W + x) + 3)
  return rgb
}

describe('pixel statistics of the domain guard', () => {
  it('a flat image: its grey as mean and every cell, no spread, no correlation, no gradient', () => {
    const s = pixelStatistics(grey(() => 51), W, H)
    expect(s).toHaveLength(PIXEL_STATS_DIM)
    expect(s[0]).toBeCloseTo(0.2, 12)
    for (let k = 1; k < 8; k++) expect(s[k]).toBeCloseTo(0, 12)
    for (let c = 8; c < 24; c++) expect(s[c]).toBeCloseTo(0.2, 12)
    expect(s[24]).toBeCloseTo(1, 12)
  })

  it('left half black, right half white: half black, half white, correlated at lag 1, one edge per row', () => {
    const s = pixelStatistics(grey((x) => (x < W / 2 ? 0 : 255)), W, H)
    expect(s[0]).toBeCloseTo(0.5, 12)
    expect(s[1]).toBeCloseTo(0.5, 12)
    expect(s[2]).toBeCloseTo(0, 12)
    expect(s[3]).toBe(0.5)
    expect(s[4]).toBe(0.5)
    // Horizontal lag 1, per row: a = 0,0,0,0,1,1,1 and b = 0,0,0,1,1,1,1 → cov 9/49, var 12/49 each, r = 3/4;
    // vertical: r = 1. Averaged: 7/8.
    expect(s[5]).toBeCloseTo(7 / 8, 12)
    // Mean absolute gradient: one jump of 1 per row among 7·8 horizontal + 8·7 vertical differences.
    expect(s[7]).toBeCloseTo(8 / 112, 12)
    expect([s[8], s[9], s[10], s[11]]).toEqual([0, 0, 1, 1])
    expect(s[24]).toBe(0)
  })

  it('rejects a buffer that does not match the size', () => {
    expect(() => pixelStatistics(new Uint8Array(5), 2, 2)).toThrow(/does not match/)
  })
})
