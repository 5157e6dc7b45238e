/**
 * Gradient × input (Shrikumar et al. 2016; Ancona et al. 2018), class-specific: per patch, the sum over its
 * pixels and channels of `image · ∂logit_c/∂image`. The graph computes it exactly through the linear
 * stride-16 patch embedding (`grad_input` tap, models/tools/vimlens/graph/input_gradient.py); offered only
 * for graphs exported with `--input-gradient`. Positive part shown (the shared §3.1 clamp).
 */
import { toF64 } from '../../tensor/f32'
import { defineMethod } from '../method'
import { requireTap } from '../taps'

export const gradientXInput = defineMethod({
  id: 'gradient-x-input',
  label: 'Gradient × input',
  classSpecific: true,
  official: false,
  spec: 'ALGORITHMS.md §3.7 (plain-gradient counterpart of MambaLRP; docs/methods/gradient-baselines.md)',
  description:
    'How much each patch, multiplied by how strongly the class score reacts to small changes of its pixels, pushes the score up: the plain-gradient baseline.',
  needs: ['grad_input'],
  usesLayerRange: false,
  explain: (taps) => ({ tokens: toF64(requireTap(taps, 'grad_input').data), degenerate: false }),
})
