/**
 * Words for a heatmap: where the relevance is and how concentrated it is. This is what screen readers
 * announce and what can be pasted into a report (ANCHORS_UX.md: no anchor tool describes a map in words).
 * Computed from the per-patch relevance the engine returns; only shares and ranks, no new attribution maths.
 */
import type { PatchGrid } from './coords'

/** One of nine named areas of the image (3 × 3). */
export interface RegionShare {
  readonly name: string
  readonly share: number
}

/** One patch with its share of the total relevance. */
export interface PatchShare {
  readonly index: number
  readonly row: number
  readonly col: number
  readonly share: number
}

export interface RelevanceSummary {
  /** Regions sorted by share, largest first. */
  readonly regions: readonly RegionShare[]
  /** The most relevant patches, largest first. */
  readonly topPatches: readonly PatchShare[]
  /** Share held by the top 10 % of patches (1.0 = all relevance in a tenth of the image). */
  readonly topDecileShare: number
  /** true when the map is flat (nothing to describe). */
  readonly flat: boolean
}

const ROW_NAMES = ['top', 'middle', 'bottom'] as const
const COL_NAMES = ['left', 'centre', 'right'] as const

function regionName(r: number, c: number): string {
  if (r === 1 && c === 1) return 'centre'
  if (r === 1) return `${COL_NAMES[c]} side`
  if (c === 1) return `${ROW_NAMES[r]} centre`
  return `${ROW_NAMES[r]}-${COL_NAMES[c]}`
}

/**
 * Non-negative weights whose shares are reported. Relevance is read as "more is more": negative values
 * (possible for gradient methods) count as zero; a map with no positive value is shifted so its minimum is 0.
 */
function weights(values: ArrayLike<number>): Float64Array {
  const w = new Float64Array(values.length)
  let anyPositive = false
  let min = Infinity
  for (let i = 0; i < values.length; i++) {
    const v = Number.isFinite(values[i]!) ? values[i]! : 0
    if (v > 0) anyPositive = true
    if (v < min) min = v
    w[i] = v
  }
  for (let i = 0; i < w.length; i++) w[i] = anyPositive ? Math.max(0, w[i]!) : w[i]! - min
  return w
}

/** Rank of every patch by relevance, 1 = most relevant (ties keep patch order, so ranks are stable). */
export function relevanceRanks(values: ArrayLike<number>): Uint16Array {
  const order = Array.from({ length: values.length }, (_, i) => i)
  const val = (i: number): number => (Number.isFinite(values[i]!) ? values[i]! : -Infinity)
  order.sort((a, b) => val(b) - val(a) || a - b)
  const ranks = new Uint16Array(values.length)
  order.forEach((patch, k) => (ranks[patch] = k + 1))
  return ranks
}

/** Shares per region and patch of a row-major per-patch relevance vector. */
export function summarizeRelevance(values: ArrayLike<number>, grid: PatchGrid, topCount = 3): RelevanceSummary {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) continue
    lo = Math.min(lo, values[i]!)
    hi = Math.max(hi, values[i]!)
  }
  // All patches equal: shares would be uniform and "the top region" meaningless.
  if (!(hi > lo)) return { regions: [], topPatches: [], topDecileShare: 0, flat: true }
  const w = weights(values)
  let total = 0
  for (let i = 0; i < w.length; i++) total += w[i]!
  if (!(total > 0)) return { regions: [], topPatches: [], topDecileShare: 0, flat: true }
  const regionSums = new Float64Array(9)
  for (let i = 0; i < w.length; i++) {
    const row = Math.floor(i / grid.gridCols)
    const col = i % grid.gridCols
    const r = Math.min(2, Math.floor((row * 3) / grid.gridRows))
    const c = Math.min(2, Math.floor((col * 3) / grid.gridCols))
    regionSums[r * 3 + c]! += w[i]!
  }
  const regions = Array.from(regionSums, (s, k) => ({ name: regionName(Math.floor(k / 3), k % 3), share: s / total }))
    .sort((a, b) => b.share - a.share)
  const order = Array.from({ length: w.length }, (_, i) => i).sort((a, b) => w[b]! - w[a]! || a - b)
  const topPatches = order.slice(0, topCount).map((index) => ({
    index,
    row: Math.floor(index / grid.gridCols),
    col: index % grid.gridCols,
    share: w[index]! / total,
  }))
  const decile = Math.max(1, Math.round(w.length / 10))
  let decileSum = 0
  for (let k = 0; k < decile; k++) decileSum += w[order[k]!]!
  return { regions, topPatches, topDecileShare: decileSum / total, flat: false }
}

const pct = (x: number): string => `${Math.round(x * 100)}%`

/** One paragraph for screen readers and reports. `what` names the map, e.g. "Mamba-Attribution for 'tabby'". */
export function describeSummary(s: RelevanceSummary, what: string, patchCount: number): string {
  if (s.flat) return `${what}: the map is flat; no region stands out.`
  const [first, second] = s.regions
  const where = second !== undefined && second.share >= 0.15
    ? `the ${first!.name} (${pct(first!.share)}) and the ${second.name} (${pct(second.share)})`
    : `the ${first!.name} (${pct(first!.share)})`
  const decile = Math.max(1, Math.round(patchCount / 10))
  const top = s.topPatches[0]!
  return (
    `${what}: most relevance is in ${where} of the model input. ` +
    `The ${decile} most relevant of ${patchCount} patches hold ${pct(s.topDecileShare)} of the relevance. ` +
    `Strongest patch: row ${top.row + 1}, column ${top.col + 1} (${pct(top.share)}).`
  )
}
