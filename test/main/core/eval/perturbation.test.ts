// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { perturbationInputs, scorePerturbation } from '../../../../main/core/eval/image-eval'
import { upsampleBilinear } from '../../../../main/core/explain/postprocess'
import { blackOut, CURVE_FRACTIONS, curveAuc, erasedCount, patchCurveInputs, perturbationAucs } from '../../../../main/core/eval/perturbation'
import { relevanceOrder } from '../../../../main/core/eval/order'
import { mulberry32 } from '../../../../main/core/tensor/prng'

const norm = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }
const grid = { rows: 14, cols: 14, patchSize: 16 }
const P = 224 * 224

describe('§4.1 pieces', () => {
  it('k = int(H·W·f) and AUC definitions', () => {
    expect(erasedCount(P, 0.1)).toBe(5017)
    expect(erasedCount(P, 0.3)).toBe(15052) // 50176·0.3 = 15052.8 → 15052
    expect(perturbationAucs(new Array(9).fill(1))).toEqual({ trapezoid: 80, mean: 100 })
    expect(perturbationAucs(new Array(9).fill(0.5)).trapezoid).toBeCloseTo(40, 10)
  })

  it('black out = 0 before normalisation in all channels, most relevant pixels first', () => {
    const input = new Float32Array(3 * P).fill(1)
    const heat = Float64Array.from({ length: P }, (_, i) => (i === 5 ? 2 : i === 9 ? 1 : 0))
    const out = blackOut(input, P, relevanceOrder(heat, true), 1, norm)
    for (let c = 0; c < 3; c++) {
      expect(out[c * P + 5]).toBeCloseTo(-norm.mean[c]! / norm.std[c]!, 6)
      expect(out[c * P + 9]).toBe(1)
    }
    expect(relevanceOrder(heat, false)[P - 1]).toBe(5)
  })

  it('deletion starts at the image and ends all fill; insertion the reverse', () => {
    const input = Float32Array.from({ length: 3 * P }, (_, i) => i % 7)
    const order = relevanceOrder(Float64Array.from({ length: 196 }, (_, i) => i), true)
    const del = patchCurveInputs(input, order, grid, [9, 9, 9], false)
    const ins = patchCurveInputs(input, order, grid, [9, 9, 9], true)
    expect(del).toHaveLength(CURVE_FRACTIONS.length)
    const same = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i])
    expect(same(del[0]!, input)).toBe(true)
    expect(del[del.length - 1]!.every((v) => v === 9)).toBe(true)
    expect(ins[0]!.every((v) => v === 9)).toBe(true)
    expect(same(ins[ins.length - 1]!, input)).toBe(true)
    // After 10 % (20 patches) the most relevant patch (195, bottom-right) is gone, patch 0 is not.
    expect(del[1]![223 * 224 + 223]).toBe(9)
    expect(del[1]![0]).toBe(input[0])
    expect(curveAuc(new Array(11).fill(1))).toBeCloseTo(1, 12)
  })
})

describe('perturbation on a toy classifier with a known answer', () => {
  // Toy model: class-1 logit = mean of channel 0 over a lesion square (patch rows 4–7, cols 6–9) minus
  // the mean elsewhere; a map on that square is the perfect explanation.
  const inLesion = (y: number, x: number): boolean => y >= 64 && y < 128 && x >= 96 && x < 160
  const classify = (x: Float32Array): number[] => {
    let a = 0
    let na = 0
    let b = 0
    let nb = 0
    for (let i = 0; i < P; i++) {
      if (inLesion(Math.floor(i / 224), i % 224)) { a += x[i]!; na++ } else { b += x[i]!; nb++ }
    }
    return [0, 4 * (a / na - b / nb)]
  }
  const input = new Float32Array(3 * P)
  for (let i = 0; i < P; i++) input[i] = inLesion(Math.floor(i / 224), i % 224) ? 2 : 0
  const patchOf = (f: (r: number, c: number) => number) => Float64Array.from({ length: 196 }, (_, p) => f(Math.floor(p / 14), p % 14))
  const perfect = patchOf((r, c) => (r >= 4 && r < 8 && c >= 6 && c < 10 ? 1 : 0) + 0.001 * ((r * 14 + c) % 5))
  const inverted = Float64Array.from(perfect, (v) => 1.01 - v)
  const next = mulberry32(3)
  const random = Float64Array.from({ length: 196 }, () => next())
  const setup = { grid, norm, fill: [0, 0, 0] }
  const run = (patch: Float64Array) => {
    const map = { patch, heatmap: upsampleBilinear(patch, 14, 14, 224, 224) }
    const logits = perturbationInputs(input, map, setup).map(classify)
    const p = (l: number[]) => 1 / (1 + Math.exp(l[0]! - l[1]!))
    const blank = new Float32Array(3 * P)
    return scorePerturbation(logits, 1, 1, { original: p(classify(input)), blank: p(classify(blank)) })
  }

  it('perfect < random < inverted in deletion AUC, and the reverse in insertion AUC', () => {
    const [a, b, c] = [run(perfect), run(random), run(inverted)]
    const del = [a, b, c].map((r) => curveAuc(r.deletion))
    const ins = [a, b, c].map((r) => curveAuc(r.insertion))
    expect(del[0]!).toBeLessThan(del[1]!)
    expect(del[1]!).toBeLessThan(del[2]!)
    expect(ins[0]!).toBeGreaterThan(ins[1]!)
    expect(ins[1]!).toBeGreaterThan(ins[2]!)
  })

  it('positive erasure of the perfect map flips the decision at 10 %; negative keeps it to 90 %', () => {
    const r = run(perfect)
    // 10 % = 5017 pixels > the lesion's 4096: the whole lesion is black (0 before normalisation).
    expect(r.positiveCorrect[0]).toBe(0)
    expect(r.negativeCorrect.every((v) => v === 1)).toBe(true)
  })
})
