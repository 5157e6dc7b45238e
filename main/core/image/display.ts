/**
 * The display rendition of a scan: modality values → VOI (window or VOI LUT) → MONOCHROME1 / user invert →
 * 8-bit grey replicated to RGB. Pure; the same function feeds the screen and (by default) the model, so
 * what the model sees is exactly what the radiologist sees.
 */
import { grayToRgb } from './colour'
import { lutTo8Bit, windowTo8Bit } from './voi'
import type { Rgb8Image } from './types'
import type { DisplayOptions, LoadedScan, LookupTable, PixelReadout, VoiFunction, WindowLevel } from './scan-types'

/** The VOI actually applied for a set of display options (recorded with every model input). */
export type ResolvedVoi =
  | { readonly kind: 'window'; readonly window: WindowLevel; readonly fn: VoiFunction; readonly presetId: string | null }
  | { readonly kind: 'lut'; readonly lut: LookupTable; readonly lutIndex: number; readonly presetId: string }
  | { readonly kind: 'none' }

/**
 * Picks the VOI: an explicit window wins, then the named preset, then the scan's default preset.
 * Unknown preset ids fall back to the default rather than throwing: ids come from UI state that may
 * outlive the scan they were chosen for.
 */
export function resolveVoi(scan: LoadedScan, opts: DisplayOptions = {}): ResolvedVoi {
  if (scan.pixels.kind === 'rgb') return { kind: 'none' }
  if (opts.window) return { kind: 'window', window: opts.window, fn: scan.voiFunction, presetId: null }
  const preset = scan.presets.find((p) => p.id === opts.presetId) ?? scan.presets.find((p) => p.id === scan.defaultPresetId)
  if (preset?.kind === 'lut') {
    const lut = scan.voiLuts[preset.lutIndex]
    if (lut) return { kind: 'lut', lut, lutIndex: preset.lutIndex, presetId: preset.id }
  }
  if (preset?.kind === 'window') {
    // File windows use the file's VOI LUT Function; fixed presets are plain LINEAR by definition.
    const fn = preset.source === 'file' ? scan.voiFunction : 'LINEAR'
    return { kind: 'window', window: preset.window, fn, presetId: preset.id }
  }
  return { kind: 'window', window: scan.defaultWindow, fn: scan.voiFunction, presetId: null }
}

/** Whether the final grey levels are inverted: MONOCHROME1 XOR the user's toggle. */
export function isDisplayInverted(scan: LoadedScan, opts: DisplayOptions = {}): boolean {
  return scan.isInvertedByPhotometric !== (opts.invert ?? false)
}

/** Grey levels (one byte per pixel) of a grey scan after VOI and inversion. */
export function displayLevels(scan: LoadedScan, opts: DisplayOptions = {}): Uint8Array {
  if (scan.pixels.kind !== 'gray') throw new TypeError('displayLevels needs a grey scan')
  const voi = resolveVoi(scan, opts)
  const invert = isDisplayInverted(scan, opts)
  if (voi.kind === 'lut') return lutTo8Bit(scan.pixels.values, voi.lut, invert)
  const window = voi.kind === 'window' ? voi.window : scan.defaultWindow
  return windowTo8Bit(scan.pixels.values, window, voi.kind === 'window' ? voi.fn : 'LINEAR', invert)
}

/**
 * The displayed image: the chosen window mapped to 8 bits, grey replicated to three channels.
 * Colour scans are returned as stored (inverted only if the user asks). Never mutates `scan`.
 */
export function renderDisplay(scan: LoadedScan, opts: DisplayOptions = {}): Rgb8Image {
  if (scan.pixels.kind === 'rgb') {
    const rgb = scan.pixels.rgb.slice()
    if (opts.invert) for (let i = 0; i < rgb.length; i++) rgb[i] = 255 - (rgb[i] as number)
    return { width: scan.width, height: scan.height, data: rgb }
  }
  return { width: scan.width, height: scan.height, data: grayToRgb(displayLevels(scan, opts)) }
}

/**
 * Value under image pixel (x, y) — modality units for grey (HU for CT), RGB for colour. Coordinates are
 * floored so that any point inside a pixel reads that pixel; outside the image gives undefined.
 */
export function pixelValueAt(scan: LoadedScan, x: number, y: number): PixelReadout | undefined {
  const px = Math.floor(x)
  const py = Math.floor(y)
  if (!(px >= 0 && py >= 0 && px < scan.width && py < scan.height)) return undefined
  const i = py * scan.width + px
  if (scan.pixels.kind === 'gray') {
    return { x: px, y: py, kind: 'gray', value: scan.pixels.values[i] as number, unit: scan.unit }
  }
  const rgb = scan.pixels.rgb
  return { x: px, y: py, kind: 'rgb', rgb: [rgb[i * 3] as number, rgb[i * 3 + 1] as number, rgb[i * 3 + 2] as number] }
}

/** Physical length in millimetres of `pixels` image pixels along a row (for the scale bar); undefined without spacing. */
export function pixelsToMm(scan: LoadedScan, pixels: number): number | undefined {
  return scan.pixelSpacingMm ? pixels * scan.pixelSpacingMm.column : undefined
}
