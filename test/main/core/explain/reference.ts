/**
 * Direct (slow, literal) transcriptions of ALGORITHMS.md §3.2–3.6 on the FULL per-channel arrays of a
 * synthetic model, independent of the tap reductions and affine shortcuts used by the methods.
 */
import { rolloutByMatrixProduct } from '../../../../main/core/explain/rollout'
import { gradient, type SyntheticModel } from './synthetic'

type Vec = number[]

/** Literal `minmax` over all elements (spec §0). */
export function minmaxLiteral(v: ArrayLike<number>): Vec {
  const a = Array.from(v)
  const lo = Math.min(...a)
  const hi = Math.max(...a)
  return a.map((x) => (x - lo) / (hi - lo))
}

function channelMean(full: Vec, E: number, L: number): Vec {
  return Array.from({ length: L }, (_, j) => {
    let s = 0
    for (let e = 0; e < E; e++) s += full[e * L + j]!
    return s / E
  })
}

const clamp = (v: Vec): Vec => v.map((x) => Math.max(x, 0))
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k)

/** `s_l[j] = max_k (G_l[j,k])⁺` then `minmax` (§3.4). */
export function gradWeightLiteral(m: SyntheticModel, layer: number, target: number): Vec {
  const g = gradient(m, layer, target)
  const L = m.layout.tokens
  const s = Array.from({ length: L }, (_, j) => Math.max(0, ...Array.from(g.subarray(j * m.width, (j + 1) * m.width))))
  return minmaxLiteral(s)
}

/** §3.2: mean over layers of `mean_e minmax(a_l)`. */
export function rawAttentionLiteral(m: SyntheticModel, full: readonly Float32Array[], from: number, to: number): Vec {
  const L = m.layout.tokens
  const per = range(from, to).map((l) => channelMean(minmaxLiteral(full[l]!), m.channels, L))
  return Array.from({ length: L }, (_, j) => per.reduce((s, v) => s + v[j]!, 0) / per.length)
}

/** §3.3: rollout of `mean_e a_l` (explicit matrices). */
export function rolloutLiteral(m: SyntheticModel, full: readonly Float32Array[], from: number, to: number): Vec {
  const vecs = range(from, to).map((l) => channelMean(Array.from(full[l]!), m.channels, m.layout.tokens))
  return Array.from(rolloutByMatrixProduct(vecs, m.layout.clsIndex))
}

/** §3.4: rollout of `mean_e minmax(a_l⁺) ⊙ minmax(s_l)`. */
export function attributionLiteral(
  m: SyntheticModel, full: readonly Float32Array[], target: number, from: number, to: number,
): Vec {
  const L = m.layout.tokens
  const vecs = range(from, to).map((l) => {
    const att = channelMean(minmaxLiteral(clamp(Array.from(full[l]!))), m.channels, L)
    const s = gradWeightLiteral(m, l, target)
    return att.map((a, j) => a * s[j]!)
  })
  return Array.from(rolloutByMatrixProduct(vecs, m.layout.clsIndex))
}

/** §3.6: rollout of `minmax(mean_e (u_l)⁺ ⊙ minmax(s_l))`. */
export function uiaLiteral(m: SyntheticModel, target: number, from: number, to: number): Vec {
  const L = m.layout.tokens
  const vecs = range(from, to).map((l) => {
    const a = channelMean(clamp(Array.from(m.uia[l]!)), m.channels, L)
    const s = gradWeightLiteral(m, l, target)
    return minmaxLiteral(a.map((x, j) => x * s[j]!))
  })
  return Array.from(rolloutByMatrixProduct(vecs, m.layout.clsIndex))
}

/** max |a − b| / max |b| (the conformance metric). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0
  let den = 0
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!))
    den = Math.max(den, Math.abs(b[i]!))
  }
  return num / den
}
