/**
 * Positional hot spot (pure): a map whose hottest patch sits in the same grid cell for most images
 * shows position, not content. Per image the top patch (first maximum of the 14×14 relevance); over the
 * data set the most common cell and the share of images whose top patch is that cell. For i.i.d. random
 * maps the share is about 1/M plus sampling noise (M = 196 patches).
 */
import { argmax } from '../tensor/stats'

/** Row-major patch index of the hottest patch. */
export function topPatch(patchRelevance: ArrayLike<number>): number {
  return argmax(patchRelevance)
}

/** Most common top patch over images and its share; `cell` is `[row, col]`. */
export function positionalHotspot(topPatches: readonly number[], gridCols: number): { share: number; cell: [number, number]; images: number } {
  const counts = new Map<number, number>()
  for (const p of topPatches) counts.set(p, (counts.get(p) ?? 0) + 1)
  let best = -1
  let bestCount = 0
  for (const [p, c] of counts) if (c > bestCount || (c === bestCount && p < best)) { best = p; bestCount = c }
  return {
    share: topPatches.length === 0 ? Number.NaN : bestCount / topPatches.length,
    cell: [Math.floor(best / gridCols), best % gridCols],
    images: topPatches.length,
  }
}
