/**
 * The one interface every image loader implements (STYLE.md §1.7). The registry asks each loader how well
 * it recognises the file — by content first ('signature'), by name second ('extension') — and calls `load`
 * on the best match. Anchors: netron's `match()/open()` format modules, cornerstone's registered loaders.
 */
import type { Logger } from '../../core/log'
import type { LoadedScan } from '../../core/image/scan-types'

/** What a loader may look at to decide: the first bytes and the (untrusted) file name. */
export interface Probe {
  readonly name: string
  /** First bytes of the (decompressed, if gzip) file: at least 1 KiB when the file is that long. */
  readonly head: Uint8Array
}

/** How sure a loader is: magic bytes beat the extension; 'no' means "not mine". */
export type Match = 'signature' | 'extension' | 'no'

/** Options of a load. `frame` selects a multi-frame DICOM / TIFF / GIF page; `slice` a NIfTI slice. */
export interface LoadOptions {
  readonly name?: string
  readonly signal?: AbortSignal
  /** 0-based frame index (default 0). */
  readonly frame?: number
  /** NIfTI slice; default: the middle slice of axis 2. */
  readonly slice?: { readonly axis: 0 | 1 | 2; readonly index: number }
  /** NIfTI 4-D series: 0-based volume (time point) index (default 0). */
  readonly volume?: number
  /** Receives one PHI-free record per load (loader, sizes, timing, error code); never the name or tags. */
  readonly log?: Logger
}

export interface ImageLoader {
  /** Stable id, also recorded as ImageProvenance.loader. */
  readonly id: 'raster' | 'dicom' | 'nifti'
  match(probe: Probe): Match
  load(bytes: Uint8Array, opts: LoadOptions): Promise<LoadedScan>
}

/** Lower-cased extension of a file name including compound '.nii.gz'; '' when there is none. */
export function extensionOf(name: string): string {
  const lower = name.toLowerCase()
  if (lower.endsWith('.nii.gz')) return '.nii.gz'
  const dot = lower.lastIndexOf('.')
  return dot >= 0 && dot > lower.lastIndexOf('/') ? lower.slice(dot) : ''
}

/** true when `bytes` holds `ascii` at `offset`. */
export function hasAscii(bytes: Uint8Array, offset: number, ascii: string): boolean {
  if (bytes.length < offset + ascii.length) return false
  for (let i = 0; i < ascii.length; i++) if (bytes[offset + i] !== ascii.charCodeAt(i)) return false
  return true
}
