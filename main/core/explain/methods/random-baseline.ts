/**
 * Random baseline (cf. pytorch-grad-cam `RandomCAM`; STYLE.md §1.5): i.i.d. uniform [0, 1) relevance
 * per patch, so perturbation/segmentation metrics have a chance floor. CLS gets 0.
 *
 * The generator is seeded PER IMAGE: `opts.seed` (default 0) mixed with a hash of the image's own
 * `hma_mean` output. Until 2026-12 it used `opts.seed` alone, i.e. one fixed map for every image, which
 * scored a pointing game of 0.54 on BUS-BRA (its top patch happened to sit where lesions often are)
 * and was therefore no chance floor. The same image still gives the same map (deterministic).
 */
import { mulberry32 } from '../../tensor/prng'
import { defineMethod } from '../method'
import { requireTap } from '../taps'

/** FNV-1a over the float32 bytes: a cheap, stable per-image seed. */
function hashFloats(values: Float32Array): number {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0
  return h
}

/** Random relevance seeded by `opts.seed` and the image (via `hma_mean`). */
export const randomBaseline = defineMethod({
  id: 'random-baseline',
  label: 'Random (baseline)',
  classSpecific: false,
  official: false,
  spec: 'STYLE.md §1.5 (baseline)',
  description: 'Uniform random relevance per patch, a new draw for each image (seeded by the image, so repeatable); the chance floor of the evaluation.',
  needs: ['hma_mean'],
  usesLayerRange: false,
  explain: (taps, opts = {}) => {
    const next = mulberry32((hashFloats(requireTap(taps, 'hma_mean').data) ^ (opts.seed ?? 0)) >>> 0)
    const tokens = new Float64Array(taps.layout.tokens)
    for (let t = 0; t < tokens.length; t++) tokens[t] = t === taps.layout.clsIndex ? 0 : next()
    return { tokens, degenerate: false }
  },
})
