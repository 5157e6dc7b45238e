/**
 * The drill-down in words for a reader (issue 15: it spoke of tokens and scan order): where the pinned patch
 * looks and from where it is looked at, as regions of the image and the strongest patch (1-based), from the
 * hidden attention the engine returned, as magnitude averaged over every layer and both scan directions.
 * No new attribution maths: the shares come from core/ui/summary.
 */
import type { PatchGrid } from './coords'
import { summarizeRelevance, type RelevanceSummary } from './summary'

const pct = (x: number): string => `${Math.round(x * 100)}%`

/**
 * Mean |attention| per patch over layers and directions, the pinned patch itself set to 0 (its attention to
 * itself dwarfs the rest). `vectors[layer][dir]` are per-patch (CLS already dropped).
 */
export function meanMagnitude(vectors: readonly (readonly ArrayLike<number>[])[], patches: number, selfIndex: number): Float64Array {
  const sum = new Float64Array(patches)
  let n = 0
  for (const layer of vectors) {
    for (const v of layer) {
      if (v.length !== patches) continue
      n++
      for (let i = 0; i < patches; i++) if (Number.isFinite(v[i]!)) sum[i]! += Math.abs(v[i]!)
    }
  }
  for (let i = 0; i < patches; i++) sum[i] = n === 0 || i === selfIndex ? 0 : sum[i]! / n
  return sum
}

function where(s: RelevanceSummary): string {
  const [first, second] = s.regions
  const top = s.topPatches[0]!
  const regions = second !== undefined && second.share >= 0.15
    ? `the ${first!.name} (${pct(first!.share)}) and the ${second.name} (${pct(second.share)})`
    : `the ${first!.name} (${pct(first!.share)})`
  return `${regions}; most of all row ${top.row + 1}, column ${top.col + 1}`
}

/** Two sentences: where the patch looks, and from where it is looked at. */
export function describeDrill(to: ArrayLike<number>, from: ArrayLike<number>, grid: PatchGrid, layers: number): string {
  const a = summarizeRelevance(to, grid, 1)
  const b = summarizeRelevance(from, grid, 1)
  const looks = a.flat ? 'This patch looks at every other patch alike.' : `This patch looks mostly at ${where(a)}.`
  const seen = b.flat ? 'Every patch looks at it alike.' : `It is looked at mostly from ${where(b)}.`
  return `${looks} ${seen} (Hidden attention, averaged over all ${layers} layers and both scan directions.)`
}
