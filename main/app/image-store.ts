/**
 * Images the user opened, kept in main (STYLE.md §1.2: full-resolution pixels never cross to the page).
 * Keyed by the file's SHA-256 so that the engine, logs and exports can name an image without its path.
 * The file bytes are kept too, because a frame or slice change re-decodes them.
 *
 * What goes to the model is fixed by the model card, not by the display (issue 15): window, preset and
 * invert change only the screen. The reader may ask explicitly for the full value range or for the window
 * on screen now ('reader-window', a snapshot: later window changes do not follow it). Every rendition
 * carries the record of that mapping and a key that changes exactly when the model's pixels change.
 */
import { createHash } from 'node:crypto'
import { AppError } from '../core/errors'
import { pixelValueAt } from '../core/image/display'
import { describeModelInput, modelDisplayOptions, type ModelInputOptions, type ScanInputPolicy } from '../core/image/model-input'
import type { Rgb8Image } from '../core/image/types'
import type { DisplayNote } from '../core/export/types'
import type { DisplayOptions, LoadedScan, WindowLevel } from '../core/image/scan-types'
import type {
  ImageInfoDto, ImageRenderRequest, InputMappingDto, ModelInputSourceDto, PatientDetailsDto, PixelValueDto,
} from '../../preload/contract'

/** The image loaders as main uses them (implemented by adapters/image-io; a port so tests can pass their own). */
export interface ImageIoPort {
  load(
    bytes: Uint8Array,
    opts: { readonly name?: string; readonly frame?: number; readonly slice?: { readonly axis: 0 | 1 | 2; readonly index: number } },
  ): Promise<LoadedScan>
  render(scan: LoadedScan, opts: DisplayOptions): Rgb8Image
}

interface Entry {
  readonly imageId: string
  readonly name: string
  readonly bytes: Uint8Array
  scan: LoadedScan
  display: Rgb8Image
  presetId: string
  window: WindowLevel
  invert: boolean
  modelInput: ModelInputSourceDto
  /** The window the reader asked the model to see ('reader-window'), taken when they asked. */
  readerWindow: WindowLevel | null
  /** The last model rendition and its mapping key (made on first use; the key covers frame and slice). */
  modelImage: { readonly key: string; readonly image: Rgb8Image } | null
}

/** Options of the store: the model card's scan-input policy, per model (undefined: the default model). */
export interface ImageStoreOptions {
  readonly scanInputPolicy?: (modelId?: string) => ScanInputPolicy
}

/** The pixels one explanation sees, and what to record with its result (source attributes for exports). */
export interface ExplainInput {
  readonly engineImage: { readonly width: number; readonly height: number; readonly rgb: Uint8Array; readonly sourceSha256: string }
  readonly mapping: InputMappingDto
  readonly inputKey: string
  /** The display rendition on screen when the run started (the picture under an exported overlay). */
  readonly display: Rgb8Image
  /** How that rendition was displayed (grey scans). */
  readonly displayNote: DisplayNote | undefined
  readonly scan: LoadedScan
}

/** Few images at a time: each may hold a large scan; the page works on one (two when comparing). */
const MAX_ENTRIES = 4

export class ImageStore {
  private readonly entries = new Map<string, Entry>()

  private readonly policyFor: (modelId?: string) => ScanInputPolicy

  constructor(private readonly io: ImageIoPort, opts: ImageStoreOptions = {}) {
    this.policyFor = opts.scanInputPolicy ?? (() => 'file')
  }

  async load(name: string, bytes: Uint8Array): Promise<ImageInfoDto> {
    const imageId = createHash('sha256').update(bytes).digest('hex')
    const scan = await this.io.load(bytes, { name })
    const entry: Entry = {
      imageId,
      name,
      bytes,
      scan,
      display: this.io.render(scan, { presetId: scan.defaultPresetId }),
      presetId: scan.defaultPresetId,
      window: scan.defaultWindow,
      invert: false,
      modelInput: 'model-card',
      readerWindow: null,
      modelImage: null,
    }
    this.entries.delete(imageId)
    this.entries.set(imageId, entry)
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string)
    return this.toInfo(entry)
  }

  /**
   * Changes how a loaded image is shown (window, preset, invert: display only) or what it is (frame, slice),
   * or what the model is asked to see (`modelInput`; 'reader-window' takes the window shown after this request).
   */
  async render(req: ImageRenderRequest): Promise<ImageInfoDto> {
    const entry = this.require(req.imageId)
    const slice = entry.scan.slice
    const frameChanged = req.frame !== undefined && req.frame !== entry.scan.frame.index
    const axisChanged = req.sliceAxis !== undefined && slice !== undefined && req.sliceAxis !== slice.axis
    const sliceChanged = axisChanged || (req.slice !== undefined && req.slice !== slice?.index)
    if (frameChanged || sliceChanged) {
      const axis = req.sliceAxis ?? slice?.axis ?? 2
      // A new axis starts at its middle slice, as the loader's default does for axis 2.
      const index = req.slice ?? (axisChanged && slice !== undefined ? Math.floor((slice.dims[axis] - 1) / 2) : slice?.index ?? 0)
      entry.scan = await this.io.load(entry.bytes, {
        name: entry.name,
        frame: req.frame ?? entry.scan.frame.index,
        ...(slice !== undefined ? { slice: { axis, index } } : {}),
      })
    }
    if (req.invert !== undefined) entry.invert = req.invert
    if (req.window !== undefined) {
      entry.window = req.window
      entry.presetId = ''
    } else if (req.presetId !== undefined) {
      entry.presetId = req.presetId
    }
    entry.display = this.io.render(entry.scan, displayOptions(entry))
    const preset = entry.scan.presets.find((p) => p.id === entry.presetId)
    if (preset?.kind === 'window') entry.window = preset.window
    if (req.modelInput !== undefined) {
      entry.modelInput = req.modelInput
      entry.readerWindow = req.modelInput === 'reader-window' ? entry.window : null
    }
    return this.toInfo(entry)
  }

  /** The pixels the engine explains (as the model card says, unless the reader asked) and how they were made. */
  explainInput(imageId: string, modelId?: string): ExplainInput {
    const e = this.require(imageId)
    const opts = this.modelInputOptions(e, modelId)
    const mapping = describeModelInput(e.scan, opts)
    const inputKey = mappingKey(mapping)
    if (e.modelImage?.key !== inputKey) e.modelImage = { key: inputKey, image: this.io.render(e.scan, modelDisplayOptions(e.scan, opts)) }
    const image = e.modelImage.image
    return {
      engineImage: { width: image.width, height: image.height, rgb: image.data, sourceSha256: e.imageId },
      mapping,
      inputKey,
      display: e.display,
      displayNote: this.displayNote(imageId),
      scan: e.scan,
    }
  }

  /** How a grey image is displayed now (the figure header's window line); undefined for colour images. */
  displayNote(imageId: string): DisplayNote | undefined {
    const e = this.require(imageId)
    if (e.scan.pixels.kind !== 'gray') return undefined
    const sp = e.scan.pixelSpacingMm
    return {
      windowCenter: e.window.center, windowWidth: e.window.width, unit: e.scan.unit, invert: e.invert,
      pixelSpacingMm: sp === undefined ? null : { row: sp.row, column: sp.column },
    }
  }

  /** The current display rendition, if the model still sees what it saw under `inputKey` (else undefined). */
  displayFor(imageId: string, inputKey: string, modelId?: string): Rgb8Image | undefined {
    const e = this.entries.get(imageId)
    return e !== undefined && mappingKey(describeModelInput(e.scan, this.modelInputOptions(e, modelId))) === inputKey ? e.display : undefined
  }

  /** Value under pixel (x, y) of the original grid: modality units for grey (HU for CT), RGB for colour. */
  pixelValue(imageId: string, x: number, y: number): PixelValueDto | null {
    return pixelValueAt(this.require(imageId).scan, x, y) ?? null
  }

  /** Identifying attributes, for an explicit user request only. Callers must never log the result. */
  patientDetails(imageId: string): PatientDetailsDto {
    const values = this.require(imageId).scan.phi.reveal()
    return { fields: Object.entries(values).map(([keyword, value]) => ({ keyword, value: value ?? '' })) }
  }

  require(imageId: string): Entry {
    const e = this.entries.get(imageId)
    if (e === undefined) throw new AppError('image/not-loaded', { detail: { imageId: imageId.slice(0, 12) } })
    return e
  }

  clear(): void {
    this.entries.clear()
  }

  /** The reader's explicit choice, else the model card's policy for scans. */
  private modelInputOptions(e: Entry, modelId?: string): ModelInputOptions {
    if (e.modelInput === 'full-range') return { source: 'full-range', chosenBy: 'reader' }
    if (e.modelInput === 'reader-window' && e.readerWindow !== null) return { source: 'window', display: { window: e.readerWindow }, chosenBy: 'reader' }
    return { source: this.policyFor(modelId), chosenBy: 'model-card' }
  }

  private toInfo(e: Entry): ImageInfoDto {
    return toInfo(e, describeModelInput(e.scan, this.modelInputOptions(e)))
  }
}

function displayOptions(e: Entry): DisplayOptions {
  return e.presetId !== '' ? { presetId: e.presetId, invert: e.invert } : { window: e.window, invert: e.invert }
}


/** Stable text of a mapping (sorted keys): equal keys ⇔ the model sees the same pixels of the same file. */
function mappingKey(mapping: InputMappingDto): string {
  return JSON.stringify(Object.keys(mapping).sort().map((k) => [k, mapping[k]]))
}

function toInfo(e: Entry, mapping: InputMappingDto): ImageInfoDto {
  const s = e.scan
  return {
    imageId: e.imageId,
    name: e.name,
    kind: s.kind,
    width: s.width,
    height: s.height,
    isGray: s.pixels.kind === 'gray',
    frame: { index: s.frame.index, count: s.frame.count },
    slice: s.slice === undefined ? null : { axis: s.slice.axis, index: s.slice.index, count: s.slice.dims[s.slice.axis], dims: s.slice.dims },
    modality: s.modality,
    unit: s.unit,
    valueRange: s.pixels.kind === 'gray' ? { min: s.pixels.min, max: s.pixels.max } : null,
    window: e.window,
    presetId: e.presetId,
    presets: s.presets.map((p) => ({ id: p.id, label: p.label, source: p.source })),
    invert: e.invert,
    pixelSpacingMm: s.pixelSpacingMm ?? null,
    orientation: s.orientation ?? null,
    modelInput: { source: e.modelInput, key: mappingKey(mapping), mapping },
    phiCount: s.phi.count,
    meta: s.meta,
    display: { width: e.display.width, height: e.display.height, data: e.display.data },
  }
}
