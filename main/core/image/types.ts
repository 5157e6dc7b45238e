/**
 * Image types shared by the loaders (adapters/image-io), the pre-processing step and the UI.
 * Pure data: no Node, no Electron.
 */

/** 8-bit interleaved RGB pixels, row-major, `data.length === width * height * 3`. */
export interface Rgb8Image {
  readonly width: number
  readonly height: number
  readonly data: Uint8Array
}

/** Where a display image came from and how its pixels were produced (recorded with every result). */
export interface ImageProvenance {
  /** Loader id: 'raster' | 'dicom' | 'nifti'. */
  readonly loader: string
  /** SHA-256 of the input file bytes (never its path). */
  readonly fileSha256: string
  /** Human-readable description of the pixel mapping (e.g. window, frame, slice). No patient data. */
  readonly mapping: Readonly<Record<string, string | number | boolean>>
}
