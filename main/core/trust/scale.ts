/**
 * Honest colour (issue 13 item 4). A map stretched to its own full colour range always looks structured,
 * even when it is nearly flat; maps of different methods have different units, so per-map colours cannot be
 * compared. Where maps are compared (side by side, figures) each is expressed in one common unit — its value
 * divided by the map's mean |value|, so 1 = an average patch and a flat map is 1 everywhere — and all share
 * one colour range. A map whose spread is tiny against its magnitude is flagged "nearly flat".
 */
import { valueRange, type ValueRange } from '../ui/heatmap-image'

/** Spread (max − min) below this share of the map's largest |value| counts as nearly flat. */
export const NEARLY_FLAT_SPREAD = 0.05

/** How a map's colours were scaled, as the legend states it. */
export type ScaleMode = 'own min-max' | 'shared, relative to mean |relevance|'

/** True when the map varies by less than NEARLY_FLAT_SPREAD of its magnitude (or not at all). */
export function isNearlyFlat(map: ArrayLike<number>): boolean {
  const r = valueRange(map)
  const magnitude = Math.max(Math.abs(r.min), Math.abs(r.max))
  return !(r.max - r.min > NEARLY_FLAT_SPREAD * magnitude) || magnitude === 0
}

/** The map divided by its mean |value| (a map of zeros stays zeros). */
export function relativeToMean(map: Float32Array): Float32Array {
  let sum = 0
  let n = 0
  for (let i = 0; i < map.length; i++) {
    const v = map[i]!
    if (!Number.isFinite(v)) continue
    sum += Math.abs(v)
    n++
  }
  const mean = n > 0 ? sum / n : 0
  return mean > 0 ? Float32Array.from(map, (v) => v / mean) : new Float32Array(map.length)
}

/** Maps on one shared scale: each relative to its mean |value|, one range over all of them. */
export function sharedScale(maps: readonly Float32Array[]): { maps: Float32Array[]; range: ValueRange } {
  const rel = maps.map(relativeToMean)
  let min = Infinity
  let max = -Infinity
  for (const m of rel) {
    const r = valueRange(m)
    min = Math.min(min, r.min)
    max = Math.max(max, r.max)
  }
  return { maps: rel, range: min === Infinity ? { min: 0, max: 0 } : { min, max } }
}

/** The legend's words for a scale mode: `short` fits beside a colour bar (the long form is its tooltip). */
export function scaleLegend(mode: ScaleMode, short = false): string {
  if (short) return mode === 'own min-max' ? 'own min–max scale: not comparable' : 'shared scale: comparable'
  return mode === 'own min-max'
    ? "scale: this map's own min–max (colours not comparable between maps)"
    : 'scale: shared; 1 = the map\'s mean |relevance| (colours comparable between maps)'
}
