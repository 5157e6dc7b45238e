/**
 * Synthetic "graph outputs" for unit tests: full per-channel CLS arrays and per-class gradients from a
 * seeded generator, reduced to taps exactly as docs/GRAPH_CONTRACT.md defines them. Class-specific
 * taps depend on the target through a fake head `W[c, k]`.
 */
import type { F32Tensor } from '../../../../main/core/tensor/f32'
import type { Tap, TapSet } from '../../../../main/core/explain/method'
import { makeLayout, type TokenLayout } from '../../../../main/core/layout'
import { mulberry32 } from '../../../../main/core/tensor/prng'

/** Seeded standard normal generator (Box–Muller). */
export function normalRng(seed: number): () => number {
  const u = mulberry32(seed)
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())
}

export interface SyntheticModel {
  readonly layout: TokenLayout
  readonly layers: number
  readonly gradFirstLayer: number
  readonly channels: number
  readonly width: number
  readonly classes: number
  readonly states: number
  /** [layer] → (E × L) row-major, official H-MA vector a_l (CLS column 0). */
  readonly hma: readonly Float32Array[]
  readonly trueRow: readonly Float32Array[]
  readonly uia: readonly Float32Array[]
  /** [layer] → (L × D) base of the gradient; G_l(c)[j,k] = base[j,k]·W[c,k]. */
  readonly gradBase: readonly Float32Array[]
  readonly head: Float32Array
  readonly lrpBase: Float32Array
  readonly factors: Readonly<Record<'delta' | 'B' | 'C' | 'A' | 'conv_sigmoid' | 'gate', F32Tensor>>
}

function fill(n: number, f: () => number): Float32Array {
  const a = new Float32Array(n)
  for (let i = 0; i < n; i++) a[i] = f()
  return a
}

/** Builds a random model with `rows×cols` patches (defaults: 4×4, Λ=6, gradFirstLayer=3). */
export function syntheticModel(seed = 1, rows = 4, cols = 4, layers = 6, gradFirstLayer = 3): SyntheticModel {
  const rnd = normalRng(seed)
  const layout = makeLayout(rows, cols)
  const L = layout.tokens
  const E = 8
  const D = 5
  const N = 4
  const classes = 3
  const hma = Array.from({ length: layers }, () => {
    const a = fill(E * L, () => 0.1 * rnd())
    for (let e = 0; e < E; e++) a[e * L + layout.clsIndex] = 0
    return a
  })
  const trueRow = Array.from({ length: layers }, () => fill(E * L, () => 0.1 * rnd()))
  const uia = Array.from({ length: layers }, () => fill(E * L, () => 0.1 * rnd()))
  const gradBase = Array.from({ length: layers - gradFirstLayer }, () => fill(L * D, rnd))
  const softplus = (x: number): number => (x > 20 ? x : Math.log1p(Math.exp(x)))
  const factors = {
    delta: { data: fill(layers * 2 * L * E, () => softplus(rnd() - 1)), shape: [layers, 2, L, E] },
    B: { data: fill(layers * 2 * L * N, rnd), shape: [layers, 2, L, N] },
    C: { data: fill(layers * 2 * L * N, rnd), shape: [layers, 2, L, N] },
    A: { data: fill(layers * 2 * E * N, () => -Math.exp(rnd())), shape: [layers, 2, E, N] },
    conv_sigmoid: { data: fill(layers * 2 * L * E, () => 1 / (1 + Math.exp(-rnd()))), shape: [layers, 2, L, E] },
    gate: { data: fill(layers * L * E, rnd), shape: [layers, L, E] },
  }
  return {
    layout, layers, gradFirstLayer, channels: E, width: D, classes, states: N, hma, trueRow, uia, gradBase,
    head: fill(classes * D, rnd), lrpBase: fill(L * D, rnd), factors,
  }
}

/** Gradient `G_l(c)` (L × D) of absolute layer `l ≥ gradFirstLayer` for class `target`. */
export function gradient(m: SyntheticModel, layer: number, target: number): Float64Array {
  const base = m.gradBase[layer - m.gradFirstLayer]!
  const L = m.layout.tokens
  const out = new Float64Array(L * m.width)
  for (let j = 0; j < L; j++) for (let k = 0; k < m.width; k++) out[j * m.width + k] = base[j * m.width + k]! * m.head[target * m.width + k]!
  return out
}

function reduce(full: readonly Float32Array[], E: number, L: number): { mean: F32Tensor; pos: F32Tensor; range: F32Tensor } {
  const layers = full.length
  const mean = new Float32Array(layers * L)
  const pos = new Float32Array(layers * L)
  const range = new Float32Array(layers * 4)
  full.forEach((a, l) => {
    let mn = Infinity, mx = -Infinity, mnp = Infinity, mxp = -Infinity
    for (let j = 0; j < L; j++) {
      let s = 0, sp = 0
      for (let e = 0; e < E; e++) {
        const v = a[e * L + j]!
        const vp = Math.max(v, 0)
        s += v
        sp += vp
        mn = Math.min(mn, v); mx = Math.max(mx, v); mnp = Math.min(mnp, vp); mxp = Math.max(mxp, vp)
      }
      mean[l * L + j] = s / E
      pos[l * L + j] = sp / E
    }
    range.set([mn, mx, mnp, mxp], l * 4)
  })
  return { mean: { data: mean, shape: [layers, L] }, pos: { data: pos, shape: [layers, L] }, range: { data: range, shape: [layers, 4] } }
}

/** The taps of one graph run of `m` with class `target` (all taps of GRAPH_CONTRACT). */
export function syntheticTaps(m: SyntheticModel, target = 0): TapSet {
  const L = m.layout.tokens
  const E = m.channels
  const G = m.layers - m.gradFirstLayer
  const hma = reduce(m.hma, E, L)
  const tr = reduce(m.trueRow, E, L)
  const ui = reduce(m.uia, E, L)
  const grad = new Float32Array(G * L * m.width)
  const gradMaxPos = new Float32Array(G * L)
  for (let g = 0; g < G; g++) {
    const gl = gradient(m, m.gradFirstLayer + g, target)
    grad.set(gl, g * L * m.width)
    for (let j = 0; j < L; j++) {
      let best = 0
      for (let k = 0; k < m.width; k++) best = Math.max(best, gl[j * m.width + k]!)
      gradMaxPos[g * L + j] = best
    }
  }
  const lrp = new Float32Array(L)
  for (let j = 0; j < L; j++) {
    let s = 0
    for (let k = 0; k < m.width; k++) s += m.lrpBase[j * m.width + k]! * m.head[target * m.width + k]!
    lrp[j] = s
  }
  // Gradient × input and ∂T/∂image of a toy linear read-out (class-dependent, like the graph's taps).
  const gradInput = Float32Array.from(lrp, (v, j) => (j === m.layout.clsIndex ? 0 : 0.5 * v - 0.1 * m.lrpBase[j]!))
  const gradImage = Float32Array.from({ length: 3 * 4 * m.layout.patches }, (_, i) => m.lrpBase[i % m.lrpBase.length]! * m.head[target * m.width]!)
  const tensors: Record<Tap, F32Tensor> = {
    hma_mean: hma.mean, hma_pos_mean: hma.pos, hma_range: hma.range,
    true_mean: tr.mean, true_pos_mean: tr.pos, true_range: tr.range,
    uia_mean: ui.mean, uia_pos_mean: ui.pos, uia_range: ui.range,
    grad_max_pos: { data: gradMaxPos, shape: [G, L] },
    grad: { data: grad, shape: [G, L, m.width] },
    lrp: { data: lrp, shape: [L] },
    grad_input: { data: gradInput, shape: [L] },
    grad_image: { data: gradImage, shape: [3, 2 * m.layout.gridRows, 2 * m.layout.gridCols] },
    ...m.factors,
  }
  return { layout: m.layout, layers: m.layers, gradFirstLayer: m.gradFirstLayer, tensors }
}

/** Deep copy of all tap data (to check that nothing was mutated). */
export function snapshot(taps: TapSet): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const [k, t] of Object.entries(taps.tensors)) if (t !== undefined) out[k] = Array.from(t.data)
  return out
}
