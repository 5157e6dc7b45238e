/**
 * Reference maps that every evaluation table carries next to the methods (not explanation methods,
 * so not in the app's registry): a fixed centre Gaussian, the same for every image. Lesions in
 * BUS-BRA frames sit near the centre, so a map that knows nothing about the image already localises
 * somewhat; a method must beat it to show that it reads the image.
 */
import type { TokenLayout } from '../layout'

export const CENTRE_GAUSSIAN_ID = 'centre-gaussian'

/** σ of the Gaussian in patches (a quarter of the grid side: about the size of a typical lesion). */
const SIGMA_SHARE = 0.25

/** Patch relevance (row-major, length M) of a centred isotropic Gaussian. */
export function centreGaussianPatches(layout: TokenLayout): Float64Array {
  const out = new Float64Array(layout.patches)
  const cy = (layout.gridRows - 1) / 2
  const cx = (layout.gridCols - 1) / 2
  const sy = SIGMA_SHARE * layout.gridRows
  const sx = SIGMA_SHARE * layout.gridCols
  for (let r = 0; r < layout.gridRows; r++) {
    for (let c = 0; c < layout.gridCols; c++) {
      out[r * layout.gridCols + c] = Math.exp(-0.5 * (((r - cy) / sy) ** 2 + ((c - cx) / sx) ** 2))
    }
  }
  return out
}
