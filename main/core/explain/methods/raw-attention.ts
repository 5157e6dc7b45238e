/**
 * Raw-Attention (H-MA, Ali, Zimerman & Wolf), class-agnostic — `generate_raw_attn(start_layer=15)`.
 * Spec: ALGORITHMS.md §3.2 [S-23]; official vector §2.3–2.4 [S-17][S-19].
 *
 * `raw_l = mean_e minmax(a_l)`, `ρ = mean_{l=s..e} raw_l`; the §3.1 post-processing follows.
 */
import { defineMethod, type ExplanationMethod, type LayerVectors, type MethodOptions, type TapSet } from '../method'
import { resolveLayers } from '../taps'
import { HMA_SOURCE, TRUE_SOURCE, layerMean, normalisedChannelMean, type AttentionSource } from './shared'

function layerVectorsFor(src: AttentionSource) {
  return (taps: TapSet, opts: MethodOptions = {}): LayerVectors => {
    const layers = resolveLayers(taps, opts, false)
    let degenerate = false
    const vectors = layers.map((l) => {
      // Quirk: min/max run over the whole (E, L) array incl. the all-zero CLS column (§3.2).
      const n = normalisedChannelMean(taps, src, l, false)
      degenerate ||= n.degenerate
      return n.values
    })
    return { layers, vectors, degenerate }
  }
}

function make<const Id extends string>(id: Id, label: string, src: AttentionSource, official: boolean): ExplanationMethod<Id> {
  const layerVectors = layerVectorsFor(src)
  return defineMethod({
    id,
    label,
    classSpecific: false,
    official,
    spec: 'ALGORITHMS.md §3.2',
    description: official
      ? 'Mean over layers of the min-max normalised hidden-attention CLS vector (official H-MA code, incl. its off-by-one CLS vector).'
      : 'Raw-Attention computed from the correct CLS row of the hidden attention (with the CLS decay and self term) instead of the official off-by-one vector.',
    needs: [src.mean, src.range],
    usesLayerRange: true,
    layerVectors,
    explain: (taps, opts = {}) => layerMean(taps, layerVectors(taps, opts)),
  })
}

/** Official Raw-Attention (§3.2) from `hma_mean` + `hma_range`. */
export const rawAttention = make('raw-attention', 'Raw-Attention', HMA_SOURCE, true)

/** Raw-Attention on the true CLS row (`true_mean` + `true_range`), not official. */
export const rawAttentionCorrected = make(
  'raw-attention-corrected',
  'Raw-Attention (corrected row)',
  TRUE_SOURCE,
  false,
)
