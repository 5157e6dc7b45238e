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

/** The hot-spot statistic of one method over a data set. */
export interface Hotspot {
  /** Share of images whose top patch is the most common cell. */
  readonly share: number
  readonly cell: [number, number]
  readonly images: number
  /**
   * Share of images whose top patch is that cell while the cell holds no lesion pixel in that image
   * (only images with masks; NaN without). Lesions themselves cluster (in BUS-BRA a perfect lesion map
   * has a share of about 0.1), so this, not `share`, separates position from anatomy.
   */
  readonly offLesionShare: number
}

/**
 * Most common top patch over images and its share; `cell` is `[row, col]`. `lesionPatches[i]` lists the
 * patches of image i that hold lesion (undefined: no mask).
 */
export function positionalHotspot(topPatches: readonly number[], gridCols: number, lesionPatches: readonly (readonly number[] | undefined)[] = []): Hotspot {
  const counts = new Map<number, number>()
  for (const p of topPatches) counts.set(p, (counts.get(p) ?? 0) + 1)
  let best = -1
  let bestCount = 0
  for (const [p, c] of counts) if (c > bestCount || (c === bestCount && p < best)) { best = p; bestCount = c }
  let masked = 0
  let off = 0
  topPatches.forEach((p, i) => {
    const lesion = lesionPatches[i]
    if (lesion === undefined) return
    masked++
    if (p === best && !lesion.includes(p)) off++
  })
  return {
    share: topPatches.length === 0 ? Number.NaN : bestCount / topPatches.length,
    cell: [Math.floor(best / gridCols), best % gridCols],
    images: topPatches.length,
    offLesionShare: masked === 0 ? Number.NaN : off / masked,
  }
}
