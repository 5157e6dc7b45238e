/**
 * Turns a heatmap (float values at model resolution) into RGBA pixels for the overlay: display range,
 * threshold (low values transparent) and contour mode. Display only: the values themselves are the engine's;
 * this file never changes what a method computed, it only decides how it looks.
 */
import { colormapLut, type ColormapId } from './colormaps'

/** Range the colour bar spans. `min === max` marks a flat (degenerate) map. */
export interface ValueRange {
  readonly min: number
  readonly max: number
}

/** How a heatmap is drawn. Opacity is not here: it is applied to the Konva node, so changing it never recolours. */
export interface HeatmapStyle {
  readonly colormap: ColormapId
  /** Fraction of the display range below which pixels are transparent (0 = show all). */
  readonly threshold01: number
  /** Draw iso-lines instead of a filled map (for reading the image underneath). */
  readonly contour: boolean
}

/** Number of iso-lines in contour mode, spread evenly from the threshold to the top. */
export const CONTOUR_LEVELS = 4

/** Min and max over finite values; `{0, 0}` when there are none. */
export function valueRange(data: ArrayLike<number>): ValueRange {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (!Number.isFinite(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max }
}

/** Position of a value in the display range, clamped to [0, 1]; a flat map is all 0 (nothing stands out). */
export function normalise(value: number, range: ValueRange): number {
  const span = range.max - range.min
  if (!(span > 0) || !Number.isFinite(value)) return 0
  return Math.max(0, Math.min(1, (value - range.min) / span))
}

/** Raw value at a display fraction (for colour-bar ticks and the threshold label). */
export function denormalise(value01: number, range: ValueRange): number {
  return range.min + value01 * (range.max - range.min)
}

/** True when a pixel with this normalised value is hidden by the threshold. */
export function isBelowThreshold(value01: number, threshold01: number): boolean {
  return threshold01 > 0 && value01 < threshold01
}

/** Iso-levels used by contour mode for a threshold. */
export function contourLevels(threshold01: number): number[] {
  const lo = Math.max(0.05, Math.min(0.95, threshold01))
  const out: number[] = []
  for (let k = 0; k < CONTOUR_LEVELS; k++) out.push(lo + ((1 - lo) * k) / CONTOUR_LEVELS)
  return out
}

/**
 * RGBA pixels (`width·height·4`) of a heatmap. Writes into `out` when given (the renderer reuses one buffer
 * per pane so that dragging the threshold slider does not allocate).
 */
export function heatmapToRgba(
  data: ArrayLike<number>,
  width: number,
  height: number,
  range: ValueRange,
  style: HeatmapStyle,
  out: Uint8ClampedArray = new Uint8ClampedArray(width * height * 4),
): Uint8ClampedArray {
  const lut = colormapLut(style.colormap)
  const n = width * height
  if (!style.contour) {
    for (let i = 0; i < n; i++) {
      const v = normalise(data[i]!, range)
      const k = Math.round(v * 255) * 3
      const o = i * 4
      out[o] = lut[k]!
      out[o + 1] = lut[k + 1]!
      out[o + 2] = lut[k + 2]!
      out[o + 3] = isBelowThreshold(v, style.threshold01) ? 0 : 255
    }
    return out
  }
  out.fill(0)
  const levels = contourLevels(style.threshold01)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x
      const v = normalise(data[i]!, range)
      // A pixel is on the iso-line of level l when it is at or above l and a 4-neighbour is below it.
      const nMin = Math.min(
        x > 0 ? normalise(data[i - 1]!, range) : v,
        x < width - 1 ? normalise(data[i + 1]!, range) : v,
        y > 0 ? normalise(data[i - width]!, range) : v,
        y < height - 1 ? normalise(data[i + width]!, range) : v,
      )
      for (let l = levels.length - 1; l >= 0; l--) {
        const level = levels[l]!
        if (v >= level && nMin < level) {
          const k = Math.round(level * 255) * 3
          const o = i * 4
          out[o] = lut[k]!
          out[o + 1] = lut[k + 1]!
          out[o + 2] = lut[k + 2]!
          out[o + 3] = 255
          break
        }
      }
    }
  }
  return out
}

/** Tick values for a colour bar: `count` evenly spaced raw values from min to max. */
export function colorBarTicks(range: ValueRange, count = 5): number[] {
  const ticks: number[] = []
  for (let i = 0; i < count; i++) ticks.push(denormalise(i / (count - 1), range))
  return ticks
}

/** Compact label for a value of unknown magnitude (relevances span 1e-6 … 1e5). */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–'
  const a = Math.abs(v)
  if (a === 0) return '0'
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2)
  return v.toPrecision(3)
}
