/**
 * LRP-gated implicit attention (this project's method; docs/methods/lrp-gated-attention.md), class-specific.
 *
 * Two signals with complementary failures on Vim (docs/eval/vim-busbra-d12/discussion.md): UIA's implicit
 * attention localises lesions but barely depends on the explained class or on the trained weights;
 * MambaLRP is class-contrastive and weight-dependent but speckled (many patches exactly zero). Here a
 * patch is hot only where both agree:
 *
 *   r = S(R_lrp) on the patch grid, S = 3×3 binomial smoothing [1 2 1]ᵀ[1 2 1]/16, edges replicated,
 *       applied to the SIGNED relevance (so evidence for the other class cancels instead of blurring in);
 *   u = UIA patch relevance (§3.6, over the method's layer range);
 *   ρ_patch = (r⁺ / max r⁺) · (u⁺ / max u⁺),   CLS = 0.
 *
 * Nothing was tuned on the test fold: the form was fixed before the full evaluation of the test fold.
 */
import { dropCls, insertCls, type TokenLayout } from '../../layout'
import { defineMethod } from '../method'
import { requireTap } from '../taps'
import { uia } from './uia'

const KERNEL = [1, 2, 1] as const

/** 3×3 binomial smoothing of a row-major grid with replicated edges. */
export function binomialSmooth(grid: ArrayLike<number>, layout: TokenLayout): Float64Array {
  const { gridRows: R, gridCols: C } = layout
  const out = new Float64Array(R * C)
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      let s = 0
      for (let i = -1; i <= 1; i++) {
        const rr = Math.min(R - 1, Math.max(0, r + i))
        for (let j = -1; j <= 1; j++) {
          const cc = Math.min(C - 1, Math.max(0, c + j))
          s += KERNEL[i + 1]! * KERNEL[j + 1]! * grid[rr * C + cc]!
        }
      }
      out[r * C + c] = s / 16
    }
  }
  return out
}

/** `v⁺ / max v⁺` (all zeros, flagged, when nothing is positive). */
function positiveShare(v: ArrayLike<number>): { values: Float64Array; degenerate: boolean } {
  let m = 0
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]!)
  const values = new Float64Array(v.length)
  if (!(m > 0)) return { values, degenerate: true }
  for (let i = 0; i < v.length; i++) values[i] = Math.max(v[i]!, 0) / m
  return { values, degenerate: false }
}

export const lrpGatedAttention = defineMethod({
  id: 'lrp-gated-attention',
  label: 'LRP-gated attention (ours)',
  classSpecific: true,
  official: false,
  spec: 'ALGORITHMS.md §3.6 + §3.7 (combined: docs/methods/lrp-gated-attention.md)',
  description:
    "Hot only where two kinds of evidence agree: the model's implicit attention (UIA) says it looks there, and relevance propagation (MambaLRP, smoothed over neighbouring patches) says that region speaks for the explained class.",
  needs: ['lrp', 'uia_pos_mean', 'grad_max_pos'],
  usesLayerRange: true,
  explain: (taps, opts = {}) => {
    const layout = taps.layout
    const r = positiveShare(binomialSmooth(dropCls(layout, requireTap(taps, 'lrp').data), layout))
    const att = uia.explain(taps, opts)
    const u = positiveShare(dropCls(layout, att.tokens))
    const patches = r.values.map((v, i) => v * u.values[i]!)
    return { tokens: insertCls(layout, patches), degenerate: r.degenerate || u.degenerate || att.degenerate }
  },
})
