/**
 * The method notes (docs/methods/*.md: plain words + the specification section) bundled into the page as
 * text, so "How it is computed" opens offline, in the installed app too (`../shared` is not there for users).
 */
import gradientBaselines from '../../../docs/methods/gradient-baselines.md?raw'
import lrpGatedAttention from '../../../docs/methods/lrp-gated-attention.md?raw'
import mambaAttribution from '../../../docs/methods/mamba-attribution.md?raw'
import mambaLrp from '../../../docs/methods/mamba-lrp.md?raw'
import mambaRollout from '../../../docs/methods/mamba-rollout.md?raw'
import randomBaseline from '../../../docs/methods/random-baseline.md?raw'
import rawAttention from '../../../docs/methods/raw-attention.md?raw'
import sharedPostProcessing from '../../../docs/methods/shared-post-processing.md?raw'
import uia from '../../../docs/methods/uia.md?raw'

const byNote: Readonly<Record<string, string>> = {
  'raw-attention': rawAttention, 'mamba-rollout': mambaRollout, 'mamba-attribution': mambaAttribution, uia,
  'mamba-lrp': mambaLrp, 'lrp-gated-attention': lrpGatedAttention, 'gradient-x-input': gradientBaselines, 'random-baseline': randomBaseline,
}

/** The note of a method id (a corrected variant shares its official method's note); null when there is none. */
export function methodNote(methodId: string): string | null {
  return byNote[methodId.replace(/-corrected$/, '')] ?? null
}

/** The shared post-processing every map goes through (ALGORITHMS.md §3.1). */
export const sharedNote = sharedPostProcessing
