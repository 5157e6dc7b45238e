/**
 * Random baseline (cf. pytorch-grad-cam `RandomCAM`; STYLE.md §1.5): i.i.d. uniform [0, 1) relevance
 * per patch from a seeded generator, so perturbation/segmentation metrics have a floor. Deterministic
 * for a given seed; CLS gets 0.
 */
import { mulberry32 } from '../../tensor/prng'
import { defineMethod } from '../method'


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
