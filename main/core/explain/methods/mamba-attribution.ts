/**
 * Mamba-Attribution (H-MA), class-specific — `generate_mamba_attr(start_layer=15)`.
 * Spec: ALGORITHMS.md §3.4 [S-24]; rollout §3.1.
 *
 * Per layer: `ŝ_l = minmax(max_k (∂T/∂h_l)⁺)`, `att_l = mean_e minmax(a_l⁺)`, `f_l = att_l ⊙ ŝ_l`;
 * `ρ = rollout(f_s … f_e)[c*]`. The target class is the graph run's `target`.
 */
import { defineMethod, type ExplanationMethod, type LayerVectors, type MethodOptions, type TapSet } from '../method'
import { resolveLayers } from '../taps'
import {
  HMA_SOURCE,
  TRUE_SOURCE,
  gradientWeight,
  multiply,
  normalisedChannelMean,
  rolloutOf,
  type AttentionSource,
} from './shared'

function make<const Id extends string>(id: Id, label: string, src: AttentionSource, official: boolean): ExplanationMethod<Id> {
  const layerVectors = (taps: TapSet, opts: MethodOptions = {}): LayerVectors => {
    const layers = resolveLayers(taps, opts, true)
    let degenerate = false
    const vectors = layers.map((l) => {
      // Quirk: clamp BEFORE the min-max, min-max over the whole (E, L) array (§3.4 step 3).
      const att = normalisedChannelMean(taps, src, l, true)
      // Quirk: max (not mean) over channels of the clamped gradient, min-max over all L tokens incl. CLS.
      const s = gradientWeight(taps, l)
      degenerate ||= att.degenerate || s.degenerate
      return multiply(att.values, s.values)
    })
    return { layers, vectors, degenerate }
  }
  return defineMethod({
    id,
    label,
    classSpecific: true,
    official,
    spec: 'ALGORITHMS.md §3.4',
    description: official
      ? 'Official H-MA attribution: min-max clamped CLS attention times the min-max positive gradient of each mixer output, combined by rollout.'
      : 'Mamba-Attribution computed from the correct CLS row of the hidden attention instead of the official off-by-one vector.',
    needs: [src.posMean, src.range, 'grad_max_pos'],
    usesLayerRange: true,
    layerVectors,
    explain: (taps, opts = {}) => rolloutOf(taps, layerVectors(taps, opts)),
  })
}

/** Official Mamba-Attribution (§3.4) from `hma_pos_mean`, `hma_range`, `grad_max_pos`. */
export const mambaAttribution = make('mamba-attribution', 'Mamba-Attribution', HMA_SOURCE, true)

/** Mamba-Attribution on the true CLS row (`true_pos_mean`, `true_range`), not official. */
export const mambaAttributionCorrected = make(
  'mamba-attribution-corrected',
  'Mamba-Attribution (corrected row)',
  TRUE_SOURCE,
  false,
)
