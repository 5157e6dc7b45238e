/**
 * What goes to the model, made explicit and recorded. The model input of a scan is fixed by the model card
 * (issue 15: "display choices change the AI verdict" — a head CT's p(malignant) moved 84.8 % → 65.8 % when
 * the reader picked the bone preset). Reading adjustments (window, preset, invert) change only the screen;
 * the model sees what its card says (the file's own window by default) unless the reader explicitly asks
 * for another window, which the mapping then records as the reader's choice.
 * The returned `mapping` goes into ImageProvenance.mapping so an explanation can always say which pixels the
 * model saw. The image keeps the scan's pixel grid (no resize here), so a heatmap mapped back through the
 * engine's InputTransform lands on original pixels, where `pixelSpacingMm` gives the millimetre scale.
 */
import { isDisplayInverted, renderDisplay, resolveVoi } from './display'
import { minMaxWindow } from './voi'
import type { Rgb8Image } from './types'
import type { DisplayOptions, LoadedScan } from './scan-types'

/**
 * How the model input is derived from the scan:
 * - 'file': the file's own default rendition (its first window / VOI LUT, else its default window;
 *   colour as stored), never the reader's window or invert — the default a model card states;
 * - 'full-range': the whole modality value range mapped linearly to 8 bits;
 * - 'window': an explicit window given in `display.window` (a reader's or the CLI's explicit request);
 * - 'display': exactly the rendition of `display` (the CLI's `--preset` / `--window` / `--model-input display`).
 */
export type ModelInputSource = 'file' | 'full-range' | 'window' | 'display'

/** Who chose the model input: the model card, or the reader / command line asking for it explicitly. */
export type ModelInputChooser = 'model-card' | 'reader'

/** What a model card may say about scans (card field `scanInput`); absent means 'file'. */
export type ScanInputPolicy = 'file' | 'full-range'

export interface ModelInputOptions {
  readonly source?: ModelInputSource
  readonly display?: DisplayOptions
  /** Recorded in the mapping; defaults to 'model-card' for 'file' and 'full-range', 'reader' otherwise. */
  readonly chosenBy?: ModelInputChooser
}

export interface ModelInput {
  readonly image: Rgb8Image
  /** Flat, PHI-free record of the mapping (stored with the result; ImageProvenance.mapping). */
  readonly mapping: Readonly<Record<string, string | number | boolean>>
}

/** The card's `scanInput` (`{ "scanInput": "full-range" }`), 'file' when absent or unknown. */
export function scanInputPolicyOf(card: Readonly<Record<string, unknown>> | undefined): ScanInputPolicy {
  return card?.scanInput === 'full-range' ? 'full-range' : 'file'
}

/**
 * The display options that produce the model's pixels. 'file' and 'full-range' drop the reader's window,
 * preset and invert on purpose: those are reading choices, not the model's.
 */
export function modelDisplayOptions(scan: LoadedScan, opts: ModelInputOptions): DisplayOptions {
  const source = opts.source ?? 'display'
  if (source === 'window' && !opts.display?.window) throw new RangeError("source 'window' needs display.window")
  if (source === 'file') return { presetId: scan.defaultPresetId }
  if (source === 'full-range') return scan.pixels.kind === 'gray' ? { window: minMaxWindow(scan.pixels.min, scan.pixels.max) } : {}
  if (source === 'window') return { window: opts.display?.window as NonNullable<DisplayOptions['window']>, invert: opts.display?.invert ?? false }
  return opts.display ?? {}
}

/**
 * The record of how the model input is made, without making it. Its stable text (sorted keys) changes
 * exactly when the model's pixels change, so it keys cached results.
 */
export function describeModelInput(scan: LoadedScan, opts: ModelInputOptions = {}): ModelInput['mapping'] {
  const source = opts.source ?? 'display'
  const display = modelDisplayOptions(scan, opts)
  const voi = resolveVoi(scan, display)
  const mapping: Record<string, string | number | boolean> = {
    source,
    chosenBy: opts.chosenBy ?? (source === 'file' || source === 'full-range' ? 'model-card' : 'reader'),
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
  return { image: renderDisplay(scan, modelDisplayOptions(scan, opts)), mapping: describeModelInput(scan, opts) }
}
