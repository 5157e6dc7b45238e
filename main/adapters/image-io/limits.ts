/**
 * Resource limits shared by the loaders, chosen so that no accepted input takes the app past 1.5 GB peak
 * RSS (issue 16; measured per input by test/bench/input-memory.ts, docs/ROBUSTNESS.md). Sizes come from the
 * data we must open: the largest sample radiograph is 1841 × 1955; mammograms reach about 4 000 × 5 600
 * (23 MP); whole-slide tiles are opened as tiles. A full explain needs ≈ 550 MB besides the input.
 */

/**
 * Largest DICOM frame / NIfTI slice, in pixels, kept at full resolution (no resampling of medical data):
 * 50 MP leaves twice the largest mammogram. At 100 MP a 16-bit frame peaked at 1.68 GB.
 */
export const MAX_PIXELS = 50_000_000

/** Largest raster image accepted, in pixels (read from the header, before decoding). */
export const MAX_RASTER_PIXELS = 100_000_000

/** Largest file read (the Open dialog, the bridge and the CLI check it before reading). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024

/**
 * Largest raster kept at full resolution. A photograph or scan beyond it (up to MAX_PIXELS) is
 * down-sampled while libvips decodes it: the model sees 224 × 224 and the screen a few megapixels, while a
 * full 100-megapixel decode took the CLI to 1.4–1.7 GB peak RSS (docs/ROBUSTNESS.md, memory budget).
 * Medical frames are never resampled: their sizes stay within the budget at full resolution.
 */
export const MAX_DECODED_RASTER_PIXELS = 25_000_000

/**
 * Largest gunzipped payload (.nii.gz, .dcm.gz): no more than the largest file read directly. Caps "zip
 * bombs" (a few KB that inflate to gigabytes) before they allocate; inflated into one buffer (registry.ts).
 */
export const MAX_INFLATED_BYTES = MAX_FILE_BYTES

/**
 * Largest inflated Deflated-Explicit-VR data set. dicom-parser needs it in one array behind the file
 * header, which costs about three times the data set while inflating (1 GB took 3.37 GB); the transfer
 * syntax is used for documents and small images, so 128 MB (a 64-megapixel 16-bit frame) is ample.
 */
export const MAX_DEFLATED_DATASET_BYTES = 128 * 1024 * 1024

/** Largest NIfTI volume accepted, in voxels (all time points): 2 GiB of int16. */
export const MAX_VOXELS = 1024 * 1024 * 1024

/** Detail of 'image/too-large' for a width × height image (numbers only, safe for the user text). */
export function tooLargeDetail(width: number, height: number, limit = MAX_PIXELS): { width: number; height: number; limit: number; reason: string } {
  return { width, height, limit, reason: `${width} × ${height} pixels, limit ${limit.toLocaleString('en-US')}` }
}
