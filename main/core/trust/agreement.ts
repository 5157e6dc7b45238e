/**
 * Agreement of the shown map with the other methods of the same run: Spearman rank correlation of the
 * patch relevance and the overlap of the top 10 % patches. Methods that explain the same decision but
 * disagree completely are a reason for caution (issue 13 item 3).
 */
import type { MethodAgreement } from './types'

/** Average ranks (1-based; ties share their mean rank; non-finite values rank lowest). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const v = (i: number): number => (Number.isFinite(values[i]!) ? values[i]! : -Infinity)
  const idx = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => v(a) - v(b))
  const ranks = new Float64Array(values.length)
  for (let i = 0; i < idx.length;) {
    let j = i
    while (j + 1 < idx.length && v(idx[j + 1]!) === v(idx[i]!)) j++
    for (let k = i; k <= j; k++) ranks[idx[k]!] = (i + j) / 2 + 1
    i = j + 1
  }
  return ranks
}

/** Pearson correlation; 0 when either side is constant (no ranking to compare). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma
    const db = b[i]! - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0
}

/** Spearman's rank correlation (Pearson of average ranks). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`)
  return pearson(averageRanks(a), averageRanks(b))
}

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
    spear[m.methodId] = spearman(shown.patchRelevance, m.patchRelevance)
    overlap[m.methodId] = topKOverlap(shown.patchRelevance, m.patchRelevance, k)
  }
  return { methodId, spearman: spear, topKOverlap: overlap, k, medianSpearman: median(Object.values(spear)) }
}
