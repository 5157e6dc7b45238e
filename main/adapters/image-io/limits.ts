/**
 * Resource limits shared by the loaders. Sizes come from the data we must open: the largest sample
 * radiograph is 1841 × 1955; mammograms reach about 4 000 × 5 000; whole-slide tiles are opened as
 * tiles. 100 megapixels per frame leaves room for all of them while a Float32 frame stays ≤ 400 MB.
 */

/** Largest frame / slice / raster image accepted, in pixels. */
export const MAX_PIXELS = 100_000_000

/**
 * Largest decompressed payload (deflated DICOM data set, gzip NIfTI). Caps "zip bombs": a few KB that
 * inflate to gigabytes would otherwise exhaust memory before any size check could run.
 */
export const MAX_INFLATED_BYTES = 1024 * 1024 * 1024

/** Largest NIfTI volume accepted, in voxels (all time points): 2 GiB of int16. */
export const MAX_VOXELS = 1024 * 1024 * 1024

/** Detail of 'image/too-large' for a width × height image (numbers only, safe for the user text). */
export function tooLargeDetail(width: number, height: number, limit = MAX_PIXELS): { width: number; height: number; limit: number; reason: string } {
  return { width, height, limit, reason: `${width} × ${height} pixels, limit ${limit.toLocaleString('en-US')}` }
}
