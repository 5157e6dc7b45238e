/**
 * Types of a loaded scan (DICOM, NIfTI or a plain raster image) as the loaders in adapters/image-io produce it
 * and the pure display / model-input steps in this folder consume it. Pure data: no Node, no Electron.
 */
import type { PhiRecord } from './phi'

/** Which loader produced the scan. */
export type ScanKind = 'raster' | 'dicom' | 'nifti'

/** A VOI window in modality units (DICOM PS3.3 C.11.2.1.2). */
export interface WindowLevel {
  readonly center: number
  readonly width: number
}

/** VOI LUT Function (0028,1056). LINEAR is the DICOM default. */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID'

/** A look-up table as DICOM stores it: descriptor (entries, first mapped value, bits) plus data. */
export interface LookupTable {
  readonly firstMapped: number
  readonly bits: number
  readonly data: Uint16Array
  /** LUT Explanation (0028,3003); free text from the file, not identifying. */
  readonly explanation: string
}

/**
 * One entry of the window picker. `window` presets map a window; `lut` presets use the file's
 * VOI LUT Sequence item `lutIndex`. `source` says where it came from so the UI can group them.
 */
export type WindowPreset =
  | { readonly id: string; readonly label: string; readonly source: 'file' | 'modality' | 'auto'; readonly kind: 'window'; readonly window: WindowLevel }
  | { readonly id: string; readonly label: string; readonly source: 'file'; readonly kind: 'lut'; readonly lutIndex: number }

/**
 * Pixels of the selected frame / slice. Grey images keep their values in modality units (after the
 * Modality LUT: Hounsfield units for CT) so that windowing and the pixel readout are exact; colour
 * images are already 8-bit RGB (palette, YBR and planar layouts resolved by the loader).
 */
export type ScanPixels =
  | { readonly kind: 'gray'; readonly values: Float32Array; readonly min: number; readonly max: number }
  | { readonly kind: 'rgb'; readonly rgb: Uint8Array }

/** Physical size of one pixel. `source` names the attribute, because ImagerPixelSpacing is at the detector. */
export interface PixelSpacingMm {
  readonly row: number
  readonly column: number
  readonly source: 'PixelSpacing' | 'ImagerPixelSpacing' | 'PixelMeasuresSequence' | 'NIfTI pixdim'
}

/** Which voxel axis / index a 2-D NIfTI slice was cut at, and how many there are. */
export interface SliceInfo {
  readonly axis: 0 | 1 | 2
  readonly index: number
  /** Voxel dimensions [i, j, k] of the volume. */
  readonly dims: readonly [number, number, number]
  readonly volume: number
  readonly volumeCount: number
}

/**
 * Orientation of a NIfTI volume: `axcodes` as nibabel's aff2axcodes prints it (e.g. 'LAS': voxel axis 0
 * runs towards Left, 1 towards Anterior, 2 towards Superior) and the anatomical label of each edge of the
 * displayed slice.
 */
export interface ScanOrientation {
  readonly axcodes: string
  readonly source: 'sform' | 'qform' | 'none'
  readonly edges: { readonly left: string; readonly right: string; readonly top: string; readonly bottom: string }
}

/** Allow-listed, non-identifying metadata: safe to log, show and export. */
export type ScanMeta = Readonly<Record<string, string | number | boolean>>

/** What `loadImageFile` returns: everything the viewer and the model-input step need, nothing identifying. */
export interface LoadedScan {
  readonly kind: ScanKind
  readonly width: number
  readonly height: number
  /** Frame picker state: 0-based index of the frame these pixels come from and the number of frames. */
  readonly frame: { readonly index: number; readonly count: number }
  /** NIfTI only: slice picker state. */
  readonly slice?: SliceInfo
  readonly pixels: ScanPixels
  /** DICOM Modality (CT, MR, CR, DX, US, …); 'OT' for raster images, 'NIFTI' for volumes. */
  readonly modality: string
  /** DICOM Photometric Interpretation of the source; 'RGB' / 'MONOCHROME2' for raster and NIfTI. */
  readonly photometric: string
  /** Unit of the grey values for the pixel readout ('HU', 'GY', …); '' when the file does not say. */
  readonly unit: string
  /**
   * Window of the default preset. When that preset is a VOI LUT (no centre/width) this is the min-max window,
   * used if the LUT is switched off; for colour images it is the identity window and is not applied.
   */
  readonly defaultWindow: WindowLevel
  /** Preset shown first (its id is one of `presets`). */
  readonly defaultPresetId: string
  readonly presets: readonly WindowPreset[]
  readonly voiFunction: VoiFunction
  /** VOI LUT Sequence items of the file (referenced by `lut` presets). */
  readonly voiLuts: readonly LookupTable[]
  /** true for MONOCHROME1: low values are shown bright, as the modality intends. */
  readonly isInvertedByPhotometric: boolean
  readonly pixelSpacingMm?: PixelSpacingMm
  readonly orientation?: ScanOrientation
  /**
   * DICOM Burned In Annotation (0028,0301): 'YES' when the pixels carry identifying text (then the export
   * refuses unless the user confirms), 'NO' when the file says they do not; absent when the file does not say
   * (raster and NIfTI inputs never say). Also in `meta.BurnedInAnnotation` as the file spells it.
   */
  readonly burnedInAnnotation?: 'YES' | 'NO'
  readonly meta: ScanMeta
  /** Identifying attributes, kept apart and redacted from JSON/inspect; only for an explicit user request. */
  readonly phi: PhiRecord
}

/** Options of `renderDisplay` / `modelInputFromScan`. */
export interface DisplayOptions {
  /** Explicit window; wins over `presetId`. */
  readonly window?: WindowLevel
  /** A preset id from `scan.presets` (e.g. 'ct-lung' or 'file-lut-0'). */
  readonly presetId?: string
  /** The user's invert toggle, applied on top of MONOCHROME1 handling. */
  readonly invert?: boolean
}

/** Value under the cursor: grey in modality units, or the 8-bit RGB triple. */
export type PixelReadout =
  | { readonly x: number; readonly y: number; readonly kind: 'gray'; readonly value: number; readonly unit: string }
  | { readonly x: number; readonly y: number; readonly kind: 'rgb'; readonly rgb: readonly [number, number, number] }
