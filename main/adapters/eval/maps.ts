/**
 * The maps one image gets from each evaluated method, for a given class's graph outputs: registry
 * methods through `runMethod` (ALGORITHMS.md §3.1 post-processing included) and the centre-Gaussian
 * reference of core/eval/reference-maps.ts.
 */
import type { Tap, TapSet } from '../../core/explain/method'
import { getMethod } from '../../core/explain/registry'
import { runMethod } from '../../core/explain/run'
import { upsampleBilinear } from '../../core/explain/postprocess'
import type { MapPair } from '../../core/eval/image-eval'
import { CENTRE_GAUSSIAN_ID, centreGaussianPatches } from '../../core/eval/reference-maps'
import type { TokenLayout } from '../../core/layout'
import type { F32Tensor } from '../../core/tensor/f32'

/** Evaluation ids: registry method ids plus the reference maps. */
export function isReferenceMap(id: string): boolean {
  return id === CENTRE_GAUSSIAN_ID
}

/** TapSet of one graph run (every output except `logits`). */
export function tapSetOf(outputs: Record<string, F32Tensor>, layout: TokenLayout, layers: number, gradFirstLayer: number): TapSet {
  const tensors: Partial<Record<Tap, F32Tensor>> = {}
  for (const [name, t] of Object.entries(outputs)) if (name !== 'logits') tensors[name as Tap] = t
  return { layout, layers, gradFirstLayer, tensors }
}

/** The map of `id` on one run's taps, at `height × width`. */
export function mapOf(id: string, taps: TapSet, height: number, width: number): MapPair {
  if (id === CENTRE_GAUSSIAN_ID) {
    const patch = centreGaussianPatches(taps.layout)
    return { patch, heatmap: upsampleBilinear(patch, taps.layout.gridRows, taps.layout.gridCols, height, width) }
  }
  const out = runMethod(getMethod(id), taps, {}, { height, width })
  return { patch: out.patchRelevance, heatmap: out.heatmap }
}
