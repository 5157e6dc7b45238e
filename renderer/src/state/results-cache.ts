/**
 * Explanation results of the current image, by (class, layer range). Switching method or opacity never
 * re-runs the model: one run returns every method. Switching back to a class already explained is instant.
 */
import type { ExplainResultDto } from '../../../preload/contract'

/**
 * Room for every frame of a cine (30 in the test data) or the slices a reader steps through, times two
 * classes: one result is under 1 MB (a model-size heatmap per method and the model-input preview).
 */
const MAX_RESULTS = 64

/**
 * `inputKey` is main's key of the model input (ImageInfoDto.modelInput.key): a new window changes it when the
 * model sees the displayed window, so results of other windows stay cached and switching back is instant.
 */
export function resultKey(
  imageId: string,
  inputKey: string,
  targetClass: number | null,
  layers: { readonly start: number; readonly end: number } | null,
): string {
  return `${imageId}|${inputKey}|${targetClass ?? 'top'}|${layers === null ? 'default' : `${layers.start}-${layers.end}`}`
}

export class ResultsCache {
  private readonly map = new Map<string, ExplainResultDto>()

  get(key: string): ExplainResultDto | undefined {
    const r = this.map.get(key)
    if (r !== undefined) {
      // Refresh recency so the result on screen is the last to be evicted.
      this.map.delete(key)
      this.map.set(key, r)
    }
    return r
  }

  set(key: string, result: ExplainResultDto): void {
    this.map.delete(key)
    this.map.set(key, result)
    while (this.map.size > MAX_RESULTS) this.map.delete(this.map.keys().next().value as string)
  }

  clear(): void {
    this.map.clear()
  }

  get size(): number {
    return this.map.size
  }
}

export const resultsCache = new ResultsCache()
