/**
 * Images the user opened, kept in main (STYLE.md §1.2: full-resolution pixels never cross to the page).
 * Keyed by the file's SHA-256 so that the engine, logs and exports can name an image without its path.
 * The file bytes are kept too, because a frame or slice change re-decodes them.
 */
import { createHash } from 'node:crypto'
import { AppError } from '../core/errors'
import type { Rgb8Image } from '../core/image/types'
import type { DisplayOptions, LoadedScan, WindowLevel } from '../core/image/scan-types'
import type { ImageInfoDto, ImageRenderRequest } from '../../preload/contract'

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
}

/** Few images at a time: each may hold a large scan; the page works on one (two when comparing). */
const MAX_ENTRIES = 4

export class ImageStore {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly io: ImageIoPort) {}

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
    }
    this.entries.delete(imageId)
    this.entries.set(imageId, entry)
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string)
    return toInfo(entry)
  }

  /** Changes how a loaded image is shown; the next explanation uses the new rendition (what you see is explained). */
  async render(req: ImageRenderRequest): Promise<ImageInfoDto> {
    const entry = this.require(req.imageId)
    const frameChanged = req.frame !== undefined && req.frame !== entry.scan.frame.index
    const sliceChanged = req.slice !== undefined && req.slice !== entry.scan.slice?.index
    if (frameChanged || sliceChanged) {
      entry.scan = await this.io.load(entry.bytes, {
        name: entry.name,
        frame: req.frame ?? entry.scan.frame.index,
        ...(req.slice !== undefined && entry.scan.slice !== undefined
          ? { slice: { axis: entry.scan.slice.axis, index: req.slice } }
          : {}),
      })
    }
    if (req.invert !== undefined) entry.invert = req.invert
    if (req.window !== undefined) {
      entry.window = req.window
      entry.presetId = ''
    } else if (req.presetId !== undefined) {
      entry.presetId = req.presetId
    }
    const opts: DisplayOptions = entry.presetId !== ''
      ? { presetId: entry.presetId, invert: entry.invert }
      : { window: entry.window, invert: entry.invert }
    entry.display = this.io.render(entry.scan, opts)
    const preset = entry.scan.presets.find((p) => p.id === entry.presetId)
    if (preset?.kind === 'window') entry.window = preset.window
    return toInfo(entry)
  }

  /** The pixels the engine explains: exactly the current display rendition. */
  engineImage(imageId: string): { width: number; height: number; rgb: Uint8Array; sourceSha256: string } {
    const e = this.require(imageId)
    return { width: e.display.width, height: e.display.height, rgb: e.display.data, sourceSha256: e.imageId }
  }

  require(imageId: string): Entry {
    const e = this.entries.get(imageId)
    if (e === undefined) throw new AppError('image/not-loaded', { detail: { imageId: imageId.slice(0, 12) } })
    return e
  }

  clear(): void {
    this.entries.clear()
  }
}

function toInfo(e: Entry): ImageInfoDto {
  const s = e.scan
  return {
    imageId: e.imageId,
    name: e.name,
    kind: s.kind,
    width: s.width,
    height: s.height,
    isGray: s.pixels.kind === 'gray',
    frame: { index: s.frame.index, count: s.frame.count },
    slice: s.slice === undefined ? null : { axis: s.slice.axis, index: s.slice.index, count: s.slice.dims[s.slice.axis] },
    modality: s.modality,
    unit: s.unit,
    window: e.window,
    presetId: e.presetId,
    presets: s.presets.map((p) => ({ id: p.id, label: p.label, source: p.source })),
    invert: e.invert,
    meta: s.meta,
    display: { width: e.display.width, height: e.display.height, data: e.display.data },
  }
}
