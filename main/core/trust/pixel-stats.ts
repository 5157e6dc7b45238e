/**
 * Statistics of the model input's pixels, the domain guard's second, model-free view (docs/TRUST.md). The
 * model's pooled features are RMS-normalised and blind to some inputs that are plainly not breast ultrasound
 * (measured: i.i.d. noise and smooth MR slices sit among the training images in feature space); their pixels
 * give them away.
 *
 * What is measured is the texture every B-mode image has, whatever the scanner: speckle, a fine grain a
 * pixel or two wide. Not brightness, layout or screen furniture: those describe the scanners the guard was
 * fitted on (a first version with a 4 × 4 layout of means flagged 72 % of a scanner left out of its fit).
 * On the 8-bit model input (e.g. 224 × 224), grey = channel mean scaled to [0, 1]:
 * - log(1 − ρ_k) for the correlation ρ_k of pixels k = 1, 2, 4 apart (horizontal and vertical averaged): the
 *   share of the variance that lives at that scale, on a log scale. Speckle: ρ_1 ≈ 0.95 (log ≈ −3);
 *   smooth MR slices and blobs: ρ_1 > 0.99 (log < −5); i.i.d. noise: ρ_1 ≈ 0 (log ≈ 0). Flat images count as
 *   ρ = 0.
 * - log of the median local coefficient of variation (standard deviation / mean) of 8 × 8 blocks brighter
 *   than 5 % grey: speckle's multiplicative grain, independent of gain.
 * 4 numbers.
 */

export const PIXEL_STATS_DIM = 4
/** Names the statistics in the domain statistics file, so a file fitted on other statistics is refused. */
export const PIXEL_STATS_ID = 'speckle-texture/1'

/** Lags of the correlations, in pixels of the model input. */
const LAGS = [1, 2, 4] as const
/** Side of the blocks of the local coefficient of variation, and the grey a block must exceed to count. */
const BLOCK = 8
const BLOCK_MIN_MEAN = 0.05
/** Floor under the logarithms' arguments (a perfectly smooth or flat image). */
const LOG_FLOOR = 1e-4

/** Correlation of grey values at horizontal and vertical offset `lag` (averaged); 0 for a constant image. */
function lagCorrelation(g: Float64Array, w: number, h: number, lag: number): number {
  let sum = 0
  for (const [dx, dy] of [[lag, 0], [0, lag]] as const) {
    let n = 0
    let sa = 0
    let sb = 0
    let saa = 0
    let sbb = 0
    let sab = 0
    for (let y = 0; y + dy < h; y++) {
      for (let x = 0; x + dx < w; x++) {
        const a = g[y * w + x]!
        const b = g[(y + dy) * w + x + dx]!
        n++
        sa += a
        sb += b
        saa += a * a
        sbb += b * b
        sab += a * b
      }
    }
    const cov = sab / n - (sa / n) * (sb / n)
    const va = saa / n - (sa / n) ** 2
    const vb = sbb / n - (sb / n) ** 2
    sum += va > 1e-12 && vb > 1e-12 ? cov / Math.sqrt(va * vb) : 0
  }
  return sum / 2
}

/** Median of std/mean over the whole BLOCK × BLOCK blocks whose mean exceeds BLOCK_MIN_MEAN; 0 when none does. */
function medianLocalCv(g: Float64Array, w: number, h: number): number {
  const cvs: number[] = []
  const n = BLOCK * BLOCK
  for (let by = 0; by + BLOCK <= h; by += BLOCK) {
    for (let bx = 0; bx + BLOCK <= w; bx += BLOCK) {
      let s = 0
      let ss = 0
      for (let y = by; y < by + BLOCK; y++) {
        for (let x = bx; x < bx + BLOCK; x++) {
          const v = g[y * w + x]!
          s += v
          ss += v * v
        }
      }
      const mean = s / n
      if (mean > BLOCK_MIN_MEAN) cvs.push(Math.sqrt(Math.max(0, ss / n - mean * mean)) / mean)
    }
  }
  if (cvs.length === 0) return 0
  cvs.sort((a, b) => a - b)
  const mid = cvs.length >> 1
  return cvs.length % 2 === 1 ? cvs[mid]! : (cvs[mid - 1]! + cvs[mid]!) / 2
}

/** The statistics of an interleaved RGB8 image of `width × height`. */
export function pixelStatistics(rgb: Uint8Array, width: number, height: number): Float64Array {
  const n = width * height
  if (rgb.length !== 3 * n || n === 0) throw new Error(`rgb length ${rgb.length} does not match ${width}×${height}`)
  const g = new Float64Array(n)
  for (let i = 0; i < n; i++) g[i] = (rgb[3 * i]! + rgb[3 * i + 1]! + rgb[3 * i + 2]!) / (3 * 255)
  const out = new Float64Array(PIXEL_STATS_DIM)
  LAGS.forEach((lag, k) => {
    out[k] = Math.log(Math.min(2, Math.max(LOG_FLOOR, 1 - lagCorrelation(g, width, height, lag))))
  })
  out[LAGS.length] = Math.log(Math.max(LOG_FLOOR, medianLocalCv(g, width, height)))
  return out
}
