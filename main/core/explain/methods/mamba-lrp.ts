/**
 * MambaLRP (Jafari et al., NeurIPS 2024), class-specific. Spec: ALGORITHMS.md §3.7 [S-26].
 *
 * The graph's `lrp` tap already holds `R_t = Σ_k e_t[k]·∂logit_c/∂e_t[k]` under the LRP rules (197
 * scores incl. CLS). Turning them into a map (drop `c*`, grid, bilinear) is the spec's inference.
 * Choice: like every other method, the map shows the POSITIVE part `R⁺` (the shared §3.1 clamp), so
 * negative evidence is not displayed; the signed scores stay available in `tokens`.
 */
import { toF64 } from '../../tensor/f32'
import { defineMethod } from '../method'
import { requireTap } from '../taps'

/** MambaLRP relevance from the `lrp` tap (whole network; the layer range does not apply). */
export const mambaLrp = defineMethod({
  id: 'mamba-lrp',
  label: 'MambaLRP',
  classSpecific: true,
  official: true,
  spec: 'ALGORITHMS.md §3.7',
  description:
    'Layer-wise relevance propagation through the whole network (MambaLRP rules); positive relevance shown per patch.',
  needs: ['lrp'],
  usesLayerRange: false,
  explain: (taps) => ({ tokens: toF64(requireTap(taps, 'lrp').data), degenerate: false }),
})
