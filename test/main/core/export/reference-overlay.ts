/**
 * An independent reference for the tests, not app code: ALGORITHMS.md §3.1 "Display" written the plain way
 * (heatmap min-max → colormap LUT → alpha blend, RGB order). The app composes figures and CLI overlays with
 * main/core/export/compose.ts only (one compose path, issue 15); the tests check that path against this.
 */
import { AppError } from '../../../../main/core/errors'
import type { Rgb8Image } from '../../../../main/core/image/types'
import { colormapLut, type ColormapId } from '../../../../main/core/ui/colormaps'

/** A heatmap normalised to [0, 1], with the §5.11 flag for a constant map. */
export interface NormalisedHeatmap {
  readonly values: Float32Array
  readonly degenerate: boolean
}

/**
 * Min-max normalisation over all finite values. A constant (or all non-finite) map gives zeros and
 * `degenerate: true` instead of NaN (spec §5.11). Non-finite entries map to 0. Input is not mutated.
 */
export function normalizeHeatmap(heatmap: ArrayLike<number>): NormalisedHeatmap {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < heatmap.length; i++) {
    const v = heatmap[i]!
    if (!Number.isFinite(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  const out = new Float32Array(heatmap.length)
  const range = max - min
  if (!(range > 0) || !Number.isFinite(range)) return { values: out, degenerate: true }
  for (let i = 0; i < heatmap.length; i++) {
    const v = heatmap[i]!
    out[i] = Number.isFinite(v) ? (v - min) / range : 0
  }
  return { values: out, degenerate: false }
}

/** Maps values in [0, 1] (clamped) through a colormap → interleaved RGB8. */
export function applyColormap(values01: ArrayLike<number>, colormap: ColormapId): Uint8Array {
  const lut = colormapLut(colormap)
  const out = new Uint8Array(values01.length * 3)
  for (let i = 0; i < values01.length; i++) {
    const v = values01[i]!
    const k = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 255) : 0
    out[i * 3] = lut[k * 3]!
    out[i * 3 + 1] = lut[k * 3 + 1]!
    out[i * 3 + 2] = lut[k * 3 + 2]!
  }
  return out
}

/** Options of {@link composeOverlay}. */
export interface OverlayOptions {
  readonly colormap: ColormapId
  /** Weight of the heat colour, 0 (image only) … 1 (heat only). */
  readonly opacity01: number
  /** Skip min-max when the heatmap is already in [0, 1]. Default false. */
  readonly isNormalised?: boolean
}

/** Result of {@link composeOverlay}: the blended image plus whether the heatmap was constant. */
export interface Overlay {
  readonly image: Rgb8Image
  readonly degenerate: boolean
}

/**
 * `out = round((1 − α)·image + α·colormap(minmax(heatmap)))`, per pixel and channel, RGB order.
 * The heatmap must have the image's size (the CLI composes at model resolution, "what the model saw").
 */
export function composeOverlay(image: Rgb8Image, heatmap: ArrayLike<number>, options: OverlayOptions): Overlay {
  const n = image.width * image.height
  if (heatmap.length !== n || image.data.length !== n * 3) {
    throw new AppError('internal', { detail: { reason: 'overlay size mismatch', heatmap: heatmap.length, pixels: n } })
  }
  const alpha = Math.min(1, Math.max(0, Number.isFinite(options.opacity01) ? options.opacity01 : 0))
  const norm = options.isNormalised === true ? { values: heatmap, degenerate: false } : normalizeHeatmap(heatmap)
  const colours = applyColormap(norm.values, options.colormap)
  const out = new Uint8Array(n * 3)
  for (let i = 0; i < n * 3; i++) out[i] = Math.round((1 - alpha) * image.data[i]! + alpha * colours[i]!)
  return { image: { width: image.width, height: image.height, data: out }, degenerate: norm.degenerate }
}
