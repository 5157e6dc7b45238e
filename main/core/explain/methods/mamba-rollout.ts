/**
 * Mamba-Rollout (H-MA), class-agnostic — `generate_rollout(start_layer=15)`.
 * Spec: ALGORITHMS.md §3.3 [S-23]; rollout §3.1 [S-20].
 *
 * `r_l = mean_e a_l` (no clamp, no normalisation; may be negative), `ρ = rollout(r_s … r_e)[c*]`.
 */
import { toF64 } from '../../tensor/f32'
import { defineMethod, type ExplanationMethod, type LayerVectors, type MethodOptions, type TapSet } from '../method'
import { layerRow, resolveLayers } from '../taps'
import { HMA_SOURCE, TRUE_SOURCE, rolloutOf, type AttentionSource } from './shared'

function make<const Id extends string>(id: Id, label: string, src: AttentionSource, official: boolean): ExplanationMethod<Id> {
  const layerVectors = (taps: TapSet, opts: MethodOptions = {}): LayerVectors => {
    const layers = resolveLayers(taps, opts, false)
    return { layers, vectors: layers.map((l) => toF64(layerRow(taps, src.mean, l))), degenerate: false }
  }
  return defineMethod({
    id,
    label,
    classSpecific: false,
    official,
    spec: 'ALGORITHMS.md §3.3',
    description: official
      ? 'Official H-MA rollout of the channel-mean CLS vectors (broadcast to rows, row-normalised), layers start..end.'
      : 'Mamba-Rollout computed from the correct CLS row of the hidden attention instead of the official off-by-one vector.',
    needs: [src.mean],
    usesLayerRange: true,
    layerVectors,
    // Quirk: vectors, not matrices, enter the rollout (§3.1); the paper's full-matrix form differs (§3.5).
    explain: (taps, opts = {}) => rolloutOf(taps, layerVectors(taps, opts)),
  })
}

/** Official Mamba-Rollout (§3.3) from `hma_mean`. */
export const mambaRollout = make('mamba-rollout', 'Mamba-Rollout', HMA_SOURCE, true)

/** Mamba-Rollout on the true CLS row (`true_mean`), not official. */
export const mambaRolloutCorrected = make(
  'mamba-rollout-corrected',
  'Mamba-Rollout (corrected row)',
  TRUE_SOURCE,
  false,
)
