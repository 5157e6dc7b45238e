/**
 * The maps one image gets from each evaluated method, for a given class's graph outputs: registry
 * methods through `runMethod` (ALGORITHMS.md §3.1 post-processing included) and the centre-Gaussian
 * reference of core/eval/reference-maps.ts.
 */
import type { Tap, TapSet } from '../../core/explain/method'
import { getMethod } from '../../core/explain/registry'
import { runMethod } from '../../core/explain/run'
import { postprocess, upsampleBilinear } from '../../core/explain/postprocess'
import { AppError } from '../../core/errors'
import {
  IG_STEPS, INTEGRATED_GRADIENTS_ID, MULTI_RUN_IDS, SMOOTHGRAD_ID, SMOOTHGRAD_SAMPLES, integratedGradientInputs, integratedGradients, smoothGrad, smoothGradInputs,
} from '../../core/eval/gradient-baselines'
import type { ModelEntry } from '../models/registry'
import type { MapPair } from '../../core/eval/image-eval'
import { CENTRE_GAUSSIAN_ID, centreGaussianPatches } from '../../core/eval/reference-maps'
import { makeLayout, type TokenLayout } from '../../core/layout'
import type { F32Tensor } from '../../core/tensor/f32'

/** Evaluation ids: registry method ids plus the reference maps. */
export function isReferenceMap(id: string): boolean {
  return id === CENTRE_GAUSSIAN_ID
}

/** Evaluation-only methods that need several graph runs per image and class (core/eval/gradient-baselines.ts). */
export function isMultiRun(id: string): boolean {
  return (MULTI_RUN_IDS as readonly string[]).includes(id)
}

/**
 * Methods that need the input-gradient outputs (`grad_image` / `grad_input`), which only graphs exported with
 * `--input-gradient` have: not the shipped default graph, nor the randomisation cascade built from it.
 */
export function needsInputGradient(id: string): boolean {
  return isMultiRun(id) || (!isReferenceMap(id) && getMethod(id).needs.includes('grad_input'))
}

/** Display label of any evaluation id. */
export function evalLabel(id: string): string {
  if (id === CENTRE_GAUSSIAN_ID) return 'Centre Gaussian'
  if (id === INTEGRATED_GRADIENTS_ID) return `Integrated gradients (${IG_STEPS} steps)`
  if (id === SMOOTHGRAD_ID) return `SmoothGrad (${SMOOTHGRAD_SAMPLES} samples)`
  return getMethod(id).label
}

/** FNV-1a of a string: the per-image SmoothGrad seed. */
function seedOf(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** Map of a multi-run method for class `c`: its inputs through `explain`, aggregated, §3.1 post-processing. */
export async function multiRunMap(id: string, imageId: string, input: Float32Array, c: number, entry: ModelEntry,
  explain: (x: Float32Array, target: readonly number[]) => Promise<Record<string, F32Tensor>>): Promise<MapPair> {
  const card = entry.card
  const layout = makeLayout(card.grid[0], card.grid[1])
  const grid = { rows: layout.gridRows, cols: layout.gridCols, patchSize: card.patchSize }
  const target = card.classes.map((_, i) => (i === c ? 1 : 0))
  const inputs = id === INTEGRATED_GRADIENTS_ID ? integratedGradientInputs(input, card.input) : smoothGradInputs(input, seedOf(imageId))
  const grads: Float32Array[] = []
  for (const x of inputs) {
    const g = (await explain(x, target))['grad_image']
    if (g === undefined) throw new AppError('explain/missing-tap', { detail: { tap: 'grad_image' } })
    grads.push(g.data)
  }
  const tokens = id === INTEGRATED_GRADIENTS_ID ? integratedGradients(input, grads, card.input, grid, layout) : smoothGrad(grads, grid, layout)
  const post = postprocess(layout, tokens, card.input.shape[2], card.input.shape[3])
  return { patch: post.patch, heatmap: post.heatmap }
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
