// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { clampPositive, patchRelevance, postprocess, upsampleBilinear } from '../../../../main/core/explain/postprocess'
import { makeLayout } from '../../../../main/core/layout'
import { normalRng } from './synthetic'

/**
 * Independent brute-force transcription of the §3.1 formula per output pixel (PyTorch
 * `upsample_bilinear2d`, align_corners=False): no shared coordinate tables.
 */
function bruteForce(a: ArrayLike<number>, rows: number, cols: number, outH: number, outW: number): number[] {
  const out: number[] = []
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const sy = Math.max(((y + 0.5) * rows) / outH - 0.5, 0)
      const sx = Math.max(((x + 0.5) * cols) / outW - 0.5, 0)
      const y0 = Math.min(Math.floor(sy), rows - 1)
      const x0 = Math.min(Math.floor(sx), cols - 1)
      const y1 = y0 < rows - 1 ? y0 + 1 : y0
      const x1 = x0 < cols - 1 ? x0 + 1 : x0
      const ly = sy - y0
      const lx = sx - x0
      const at = (r: number, c: number): number => a[r * cols + c]!
      out.push((1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1)))
    }
  }
  return out
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('bilinear upsampling (spec §3.1)', () => {
  it('hand-computed 2×2 → 4×4', () => {
    const out = Array.from(upsampleBilinear([0, 1, 2, 3], 2, 2, 4, 4))
    // Columns: src x = 0 (clamped), 0.25, 0.75, 1.25 → clamped to the last cell.
    expect(out.slice(0, 4)).toEqual([0, 0.25, 0.75, 1])
    expect(out.slice(4, 8)).toEqual([0.5, 0.75, 1.25, 1.5])
    expect(out.slice(8, 12)).toEqual([1.5, 1.75, 2.25, 2.5])
    expect(out.slice(12, 16)).toEqual([2, 2.25, 2.75, 3])
  })

  it('14×14 ×16: the 8×8 border blocks copy the corner cells exactly; first interior pixel has λ = 1/32', () => {
    const rnd = normalRng(3)
    const a = Float64Array.from({ length: 196 }, rnd)
    const out = upsampleBilinear(a, 14, 14, 224, 224)
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        // Left/top: src clamps to 0 (exact copy). Right/bottom: i0 = i1 = 13, (1−λ)·v + λ·v ≈ v.
        expect(out[y * 224 + x]).toBe(a[0])
        expect(out[y * 224 + 223 - x]).toBeCloseTo(a[13]!, 15)
        expect(out[(223 - y) * 224 + x]).toBeCloseTo(a[13 * 14]!, 15)
        expect(out[(223 - y) * 224 + 223 - x]).toBeCloseTo(a[195]!, 15)
      }
    }
    // Row 0, x = 8: src = 8.5/16 − 0.5 = 1/32.
    expect(out[8]).toBeCloseTo((1 - 1 / 32) * a[0]! + (1 / 32) * a[1]!, 15)
    // x = 23: src = 23.5/16 − 0.5 = 0.96875 (last pixel before cell 1's centre).
    expect(out[23]).toBeCloseTo(0.03125 * a[0]! + 0.96875 * a[1]!, 15)
  })

  it('matches the brute-force formula for 14→224, 4×3→64×48 and non-integer 27→224', () => {
    const rnd = normalRng(4)
    for (const [r, c, h, w] of [[14, 14, 224, 224], [4, 3, 64, 48], [27, 27, 224, 224], [3, 5, 7, 11]] as const) {
      const a = Float64Array.from({ length: r * c }, rnd)
      expect(maxDiff(upsampleBilinear(a, r, c, h, w), bruteForce(a, r, c, h, w))).toBeLessThan(1e-12)
    }
  })

  it('reproduces constants and linear ramps in the interior', () => {
    expect(new Set(upsampleBilinear(new Array(9).fill(2.5), 3, 3, 48, 48))).toEqual(new Set([2.5]))
    const ramp = Array.from({ length: 16 }, (_, i) => i % 4) // value = column
    const out = upsampleBilinear(ramp, 4, 4, 64, 64)
    // Interior x (between the first and last cell centres): value = (x + 0.5)/16 − 0.5.
    for (const x of [8, 20, 31, 55]) expect(out[10 * 64 + x]).toBeCloseTo((x + 0.5) / 16 - 0.5, 14)
  })

  it('rejects mismatched shapes', () => {
    expect(() => upsampleBilinear([1, 2, 3], 2, 2, 4, 4)).toThrow()
  })
})

describe('CLS removal and clamp (spec §3.1)', () => {
  it('drops index c* (not 0, not L−1) and clamps to ⁺', () => {
    const layout = makeLayout(2, 2) // L = 5, c* = 2
    expect(Array.from(patchRelevance(layout, [-1, 2, 100, 3, -4]))).toEqual([0, 2, 3, 0])
    expect(Array.from(clampPositive([-0, -1, 2]))).toEqual([0, 0, 2])
  })

  it('Vim layout: 197 → 196 in patch order, then 224×224', () => {
    const layout = makeLayout(14)
    const tokens = Float64Array.from({ length: 197 }, (_, t) => t)
    const p = postprocess(layout, tokens, 224)
    expect(p.patch.length).toBe(196)
    expect(p.patch[97]).toBe(97)
    expect(p.patch[98]).toBe(99)
    expect(p.patch[195]).toBe(196)
    expect(p.heatmap.length).toBe(224 * 224)
    expect([p.width, p.height]).toEqual([224, 224])
    expect(tokens[98]).toBe(98) // input untouched
  })
})
