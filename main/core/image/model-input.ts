/**
 * What goes to the model, made explicit and recorded (issue: "by default the displayed window mapped to
 * 8 bits, grayscale replicated to 3 channels; the user can change it"). The returned `mapping` goes into
 * ImageProvenance.mapping so an explanation can always say which pixels the model saw.
 * The image keeps the scan's pixel grid (no resize here), so a heatmap mapped back through the engine's
 * InputTransform lands on original pixels, where `pixelSpacingMm` gives the millimetre scale.
 */
import { isDisplayInverted, renderDisplay, resolveVoi } from './display'
import { minMaxWindow } from './voi'
import type { Rgb8Image } from './types'
import type { DisplayOptions, LoadedScan } from './scan-types'

/**
 * How the model input is derived from the scan:
 * - 'display' (default): exactly the displayed rendition (current window / preset / invert);
 * - 'full-range': the whole modality value range mapped linearly to 8 bits, independent of the window;
 * - 'window': an explicit window given in `display.window`.
 */
export type ModelInputSource = 'display' | 'full-range' | 'window'

export interface ModelInputOptions {
  readonly source?: ModelInputSource
  readonly display?: DisplayOptions
}

export interface ModelInput {
  readonly image: Rgb8Image
  /** Flat, PHI-free record of the mapping (stored with the result; ImageProvenance.mapping). */
  readonly mapping: Readonly<Record<string, string | number | boolean>>
}

/** The display options that `source` implies (full range replaces the window by the min-max window). */
function effectiveDisplay(scan: LoadedScan, opts: ModelInputOptions): DisplayOptions {
  const source = opts.source ?? 'display'
  if (source === 'window' && !opts.display?.window) throw new RangeError("source 'window' needs display.window")
  const display: DisplayOptions = opts.display ?? {}
  if (source === 'full-range' && scan.pixels.kind === 'gray') {
    return { ...display, window: minMaxWindow(scan.pixels.min, scan.pixels.max) }
  }
  return display
}

/**
 * The record of how the model input is made, without making it. Callers that already hold the displayed
 * rendition (the app, where 'display' input is the screen's pixels) use this to avoid rendering twice.
 */
export function describeModelInput(scan: LoadedScan, opts: ModelInputOptions = {}): ModelInput['mapping'] {
  const source = opts.source ?? 'display'
  const display = effectiveDisplay(scan, opts)
  const voi = resolveVoi(scan, display)
  const mapping: Record<string, string | number | boolean> = {
    source,
    loader: scan.kind,
    width: scan.width,
    height: scan.height,
    channels: 3,
    bits: 8,
    frameIndex: scan.frame.index,
    frameCount: scan.frame.count,
    photometric: scan.photometric,
    inverted: scan.pixels.kind === 'gray' ? isDisplayInverted(scan, display) : display.invert ?? false,
    grayReplicated: scan.pixels.kind === 'gray',
  }
  if (voi.kind === 'window') {
    mapping.voi = 'window'
    mapping.windowCenter = voi.window.center
    mapping.windowWidth = voi.window.width
    mapping.voiFunction = voi.fn
    if (voi.presetId) mapping.presetId = voi.presetId
  } else if (voi.kind === 'lut') {
    mapping.voi = 'lut'
    mapping.presetId = voi.presetId
  } else {
    mapping.voi = 'none'
  }
  if (scan.slice) {
    mapping.sliceAxis = scan.slice.axis
    mapping.sliceIndex = scan.slice.index
    mapping.volume = scan.slice.volume
  }
  if (scan.pixelSpacingMm) {
    mapping.pixelSpacingRowMm = scan.pixelSpacingMm.row
    mapping.pixelSpacingColumnMm = scan.pixelSpacingMm.column
  }
  return mapping
}

/** Builds the 8-bit, 3-channel model input and the record of how it was made. Pure; does not mutate `scan`. */
export function modelInputFromScan(scan: LoadedScan, opts: ModelInputOptions = {}): ModelInput {
  return { image: renderDisplay(scan, effectiveDisplay(scan, opts)), mapping: describeModelInput(scan, opts) }
}
