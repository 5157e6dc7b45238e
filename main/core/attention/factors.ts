/**
 * The hidden-attention factors exported by the graph (docs/GRAPH_CONTRACT.md; ALGORITHMS.md §2.1):
 * `delta [Λ,2,L,E]`, `B`, `C [Λ,2,L,N]`, `A [Λ,2,E,N]`, each direction in its OWN scan order
 * (direction 1 is reversed: its token `t` is original token `L−1−t`).
 */
import { AppError } from '../errors'
import type { F32Tensor } from '../tensor/f32'
import type { TapSet } from '../explain/method'
import { requireTap } from '../explain/taps'

/** Scan direction: 0 = forward, 1 = backward (reversed sequence). */
export type Direction = 0 | 1

/** Validated factors with their sizes. */
export interface AttentionFactors {
  /** `Λ` */
  readonly layers: number
  /** `L` */
  readonly tokens: number
  /** `E` */
  readonly channels: number
  /** `N` */
  readonly states: number
  readonly delta: Float32Array
  readonly B: Float32Array
  readonly C: Float32Array
  readonly A: Float32Array
}

/** Builds factors from the four tensors, checking that their shapes agree. */
export function attentionFactors(t: {
  readonly delta: F32Tensor
  readonly B: F32Tensor
  readonly C: F32Tensor
  readonly A: F32Tensor
}): AttentionFactors {
  const [layers = 0, dirs = 0, tokens = 0, channels = 0] = t.delta.shape
  const states = t.B.shape[3] ?? 0
  const same = (s: readonly number[], want: readonly number[]): boolean =>
    s.length === want.length && s.every((d, i) => d === want[i])
  const ok =
    t.delta.shape.length === 4 &&
    dirs === 2 &&
    layers > 0 &&
    tokens > 0 &&
    channels > 0 &&
    states > 0 &&
    same(t.B.shape, [layers, 2, tokens, states]) &&
    same(t.C.shape, [layers, 2, tokens, states]) &&
    same(t.A.shape, [layers, 2, channels, states]) &&
    t.delta.data.length === layers * 2 * tokens * channels &&
    t.B.data.length === layers * 2 * tokens * states &&
    t.C.data.length === t.B.data.length &&
    t.A.data.length === layers * 2 * channels * states
  if (!ok) {
    throw new AppError('explain/tap-shape', {
      detail: { delta: t.delta.shape, B: t.B.shape, C: t.C.shape, A: t.A.shape },
    })
  }
  return { layers, tokens, channels, states, delta: t.delta.data, B: t.B.data, C: t.C.data, A: t.A.data }
}

/** Factors from a graph run's taps (`delta`, `B`, `C`, `A`). */
export function attentionFactorsFromTaps(taps: TapSet): AttentionFactors {
  const f = attentionFactors({
    delta: requireTap(taps, 'delta'),
    B: requireTap(taps, 'B'),
    C: requireTap(taps, 'C'),
    A: requireTap(taps, 'A'),
  })
  if (f.tokens !== taps.layout.tokens) {
    throw new AppError('explain/tap-shape', { detail: { tokens: f.tokens, layout: taps.layout.tokens } })
  }
  return f
}

/** Offsets of one (layer, direction) block in the flat arrays. */
export interface BlockOffsets {
  /** into `delta` ([L, E] block) */
  readonly delta: number
  /** into `B` and `C` ([L, N] blocks) */
  readonly bc: number
  /** into `A` ([E, N] block) */
  readonly a: number
}

/** Offsets of (layer, direction); throws `explain/layer-range` when out of range. */
export function blockOffsets(f: AttentionFactors, layer: number, direction: Direction): BlockOffsets {
  if (!Number.isInteger(layer) || layer < 0 || layer >= f.layers || (direction !== 0 && direction !== 1)) {
    throw new AppError('explain/layer-range', { detail: { layer, direction, layers: f.layers } })
  }
  const block = layer * 2 + direction
  return {
    delta: block * f.tokens * f.channels,
    bc: block * f.tokens * f.states,
    a: block * f.channels * f.states,
  }
}

/** Scan-order index of an original token in `direction` (identity for 0, `L−1−t` for 1). */
export function toScanIndex(f: AttentionFactors, direction: Direction, token: number): number {
  if (!Number.isInteger(token) || token < 0 || token >= f.tokens) {
    throw new AppError('explain/invalid-token', { detail: { token, tokens: f.tokens } })
  }
  return direction === 0 ? token : f.tokens - 1 - token
}
