/**
 * Agreement of the shown map with the other methods of the same run: Spearman rank correlation of the
 * patch relevance and the overlap of the top 10 % patches. Methods that explain the same decision but
 * disagree completely are a reason for caution (issue 13 item 3).
 */
import { spearman } from '../eval/rank'
import type { MethodAgreement } from './types'

/** Top-k indices by value (ties: lower index first). */
function topK(values: ArrayLike<number>, k: number): Set<number> {
  const v = (i: number): number => (Number.isFinite(values[i]!) ? values[i]! : -Infinity)
  return new Set(Array.from({ length: values.length }, (_, i) => i).sort((x, y) => v(y) - v(x) || x - y).slice(0, k))
}

/** Share of the k most relevant patches two maps have in common (0..1). */
export function topKOverlap(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  const ta = topK(a, k)
  let common = 0
  for (const i of topK(b, k)) if (ta.has(i)) common++
  return common / Math.max(1, k)
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Agreement of `methodId`'s map with every other map; the random baseline is left out (it agrees with nothing by design). */
export function agreementOf(methodId: string, maps: readonly { readonly methodId: string; readonly patchRelevance: ArrayLike<number> }[]): MethodAgreement {
  const shown = maps.find((m) => m.methodId === methodId)
  if (shown === undefined) throw new Error(`no map for ${methodId}`)
  const k = Math.max(1, Math.round(shown.patchRelevance.length / 10))
  const spear: Record<string, number> = {}
  const overlap: Record<string, number> = {}
  for (const m of maps) {
    if (m.methodId === methodId || m.methodId === 'random-baseline') continue
    // A constant map has no ranking (Spearman undefined): it agrees with nothing.
    const rho = spearman(shown.patchRelevance, m.patchRelevance)
    spear[m.methodId] = Number.isFinite(rho) ? rho : 0
    overlap[m.methodId] = topKOverlap(shown.patchRelevance, m.patchRelevance, k)
  }
  return { methodId, spearman: spear, topKOverlap: overlap, k, medianSpearman: median(Object.values(spear)) }
}
