/**
 * Access to and validation of graph outputs (docs/GRAPH_CONTRACT.md shapes), and the layer range
 * rule shared by all layer-wise methods (ALGORITHMS.md §3.1: only layers `s..Λ−1` matter).
 */
import { AppError } from '../errors'
import { rowView, type F32Tensor } from '../tensor/f32'
import type { MethodOptions, Tap, TapSet } from './method'

/** Symbolic dimension: `Λ` layers, `L` tokens, `G` gradient layers, a number, or `*` (model-dependent). */
type Dim = 'Λ' | 'L' | 'G' | number | '*'

/** Expected shapes per docs/GRAPH_CONTRACT.md. */
export const TAP_SHAPES: Readonly<Record<Tap, readonly Dim[]>> = {
  hma_mean: ['Λ', 'L'],
  hma_pos_mean: ['Λ', 'L'],
  hma_range: ['Λ', 4],
  true_mean: ['Λ', 'L'],
  true_pos_mean: ['Λ', 'L'],
  true_range: ['Λ', 4],
  uia_mean: ['Λ', 'L'],
  uia_pos_mean: ['Λ', 'L'],
  uia_range: ['Λ', 4],
  grad_max_pos: ['G', 'L'],
  grad: ['G', 'L', '*'],
  lrp: ['L'],
  grad_input: ['L'],
  grad_image: [3, '*', '*'],
  delta: ['Λ', 2, 'L', '*'],
  B: ['Λ', 2, 'L', '*'],
  C: ['Λ', 2, 'L', '*'],
  A: ['Λ', 2, '*', '*'],
  conv_sigmoid: ['Λ', 2, 'L', '*'],
  gate: ['Λ', 'L', '*'],
}

/** Columns of the `*_range` taps: min a, max a, min a⁺, max a⁺ (GRAPH_CONTRACT). */
export const RANGE = { min: 0, max: 1, minPos: 2, maxPos: 3 } as const

function expectedDim(taps: TapSet, dim: Dim): number | null {
  if (dim === 'Λ') return taps.layers
  if (dim === 'L') return taps.layout.tokens
  if (dim === 'G') return taps.layers - taps.gradFirstLayer
  return dim === '*' ? null : dim
}

/** Returns a tap or throws `explain/missing-tap`; checks its shape (`explain/tap-shape`). */
export function requireTap(taps: TapSet, name: Tap): F32Tensor {
  const t = taps.tensors[name]
  if (t === undefined) throw new AppError('explain/missing-tap', { detail: { tap: name } })
  const want = TAP_SHAPES[name]
  const ok =
    t.shape.length === want.length &&
    want.every((d, i) => {
      const e = expectedDim(taps, d)
      const got = t.shape[i]!
      return e === null ? got > 0 : got === e
    })
  let n = 1
  for (const d of t.shape) n *= d
  if (!ok || t.data.length !== n) {
    throw new AppError('explain/tap-shape', { detail: { tap: name, shape: t.shape, expected: want } })
  }
  return t
}

/** Validates that every tap in `needs` is present and well-shaped. */
export function validateTaps(taps: TapSet, needs: readonly Tap[]): void {
  for (const name of needs) requireTap(taps, name)
}

/** A view of `taps` holding only `needs` (so a method cannot read what it did not declare). */
export function restrictTaps(taps: TapSet, needs: readonly Tap[]): TapSet {
  const tensors: Partial<Record<Tap, F32Tensor>> = {}
  for (const name of needs) {
    const t = taps.tensors[name]
    if (t !== undefined) tensors[name] = t
  }
  return { layout: taps.layout, layers: taps.layers, gradFirstLayer: taps.gradFirstLayer, tensors }
}

/**
 * Resolves `[startLayer, endLayer]` (defaults `gradFirstLayer`, `Λ−1`) to the increasing list of
 * absolute layers. With `needsGradient`, layers below `gradFirstLayer` have no gradient taps.
 */
export function resolveLayers(taps: TapSet, opts: MethodOptions, needsGradient: boolean): number[] {
  const start = opts.startLayer ?? taps.gradFirstLayer
  const end = opts.endLayer ?? taps.layers - 1
  const lowest = needsGradient ? taps.gradFirstLayer : 0
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < lowest || end >= taps.layers || start > end) {
    throw new AppError('explain/layer-range', {
      detail: { startLayer: start, endLayer: end, lowest, layers: taps.layers },
    })
  }
  const layers: number[] = []
  for (let l = start; l <= end; l++) layers.push(l)
  return layers
}

/** Row `layer` (absolute index) of a `[Λ, …]` tap. */
export function layerRow(taps: TapSet, name: Tap, layer: number): Float32Array {
  return rowView(requireTap(taps, name), layer)
}

/**
 * Row of a gradient tap (`[G, …]`) for ABSOLUTE layer `layer`: index offset `gradFirstLayer`.
 */
export function gradRow(taps: TapSet, name: 'grad_max_pos' | 'grad', layer: number): Float32Array {
  const g = layer - taps.gradFirstLayer
  if (g < 0 || layer >= taps.layers) {
    throw new AppError('explain/layer-range', { detail: { layer, gradFirstLayer: taps.gradFirstLayer } })
  }
  return rowView(requireTap(taps, name), g)
}
