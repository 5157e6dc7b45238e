/**
 * Random baseline (cf. pytorch-grad-cam `RandomCAM`; STYLE.md §1.5): i.i.d. uniform [0, 1) relevance
 * per patch from a seeded generator, so perturbation/segmentation metrics have a floor. Deterministic
 * for a given seed; CLS gets 0.
 */
import { defineMethod } from '../method'

/** mulberry32: small, fast, deterministic 32-bit PRNG → [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Seeded random relevance (`opts.seed`, default 0). Needs no taps. */
export const randomBaseline = defineMethod({
  id: 'random-baseline',
  label: 'Random (baseline)',
  classSpecific: false,
  official: false,
  spec: 'STYLE.md §1.5 (baseline)',
  description: 'Uniform random relevance per patch (seeded); a floor for the evaluation metrics.',
  needs: [],
  usesLayerRange: false,
  explain: (taps, opts = {}) => {
    const next = mulberry32(opts.seed ?? 0)
    const tokens = new Float64Array(taps.layout.tokens)
    for (let t = 0; t < tokens.length; t++) tokens[t] = t === taps.layout.clsIndex ? 0 : next()
    return { tokens, degenerate: false }
  },
})
