/**
 * UIA — "Explaining Modern Gated-Linear RNNs via a Unified Implicit Attention Formulation"
 * (Zimerman, Ali & Wolf), class-specific — `generate_ours(start_layer=15)`.
 * Spec: ALGORITHMS.md §3.6 [S-25]; rollout §3.1.
 *
 * Per layer: `ā_l = mean_e (u_l)⁺`, `ŝ_l = minmax(max_k (∂T/∂h_l)⁺)`, `f_l = minmax(ā_l ⊙ ŝ_l)` over
 * the `L` tokens; `ρ = rollout(f_s … f_e)[c*]`.
 */
import { minmaxNormalise } from '../../tensor/minmax'
import { defineMethod, type LayerVectors, type MethodOptions, type TapSet } from '../method'
import { layerRow, resolveLayers } from '../taps'
import { gradientWeight, multiply, rolloutOf } from './shared'

function layerVectors(taps: TapSet, opts: MethodOptions = {}): LayerVectors {
  const layers = resolveLayers(taps, opts, true)
  let degenerate = false
  const vectors = layers.map((l) => {
    // Quirk: ā_l is clamp-then-channel-mean with NO min-max before the product (unlike §3.4);
    // the min-max comes after, over the L tokens incl. the CLS index.
    const a = layerRow(taps, 'uia_pos_mean', l)
    const s = gradientWeight(taps, l)
    const f = minmaxNormalise(multiply(a, s.values))
    degenerate ||= s.degenerate || f.degenerate
    return f.values
  })
  return { layers, vectors, degenerate }
}

/** UIA attribution (§3.6) from `uia_pos_mean` and `grad_max_pos`. */
export const uia = defineMethod({
  id: 'uia',
  label: 'UIA (implicit attention)',
  classSpecific: true,
  official: true,
  spec: 'ALGORITHMS.md §3.6',
  description:
    'Unified implicit attention (conv, activation and gate folded into the hidden attention), times the min-max positive gradient, min-max per layer, combined by rollout (official UIA code).',
  needs: ['uia_pos_mean', 'grad_max_pos'],
  usesLayerRange: true,
  layerVectors,
  explain: (taps, opts = {}) => rolloutOf(taps, layerVectors(taps, opts)),
})
