/**
 * Statistics of the model input's pixels, the domain guard's second, model-free view (docs/TRUST.md). The
 * model's pooled features are RMS-normalised and blind to some inputs that are plainly not breast ultrasound
 * (measured: i.i.d. speckle noise sits among the training images in feature space), while the pixels give them
 * away: B-mode frames are spatially correlated speckle with dark, black-bordered layouts. Computed on the 8-bit
 * model input (what the model saw, e.g. 224 × 224), grey = channel mean, values scaled to [0, 1]:
 * mean, standard deviation, skewness, share of near-black (< 10/255) and near-white (> 245/255) pixels,
 * correlation of neighbouring pixels at lag 1 and 4 (horizontal and vertical averaged), mean absolute
 * gradient, and the mean of each cell of a 4 × 4 grid (layout). 25 numbers.
 */

export const PIXEL_STATS_DIM = 25

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

/** The 25 statistics of an interleaved RGB8 image of `width × height`. */
export function pixelStatistics(rgb: Uint8Array, width: number, height: number): Float64Array {
  const n = width * height
  if (rgb.length !== 3 * n || n === 0) throw new Error(`rgb length ${rgb.length} does not match ${width}×${height}`)
  const g = new Float64Array(n)
  for (let i = 0; i < n; i++) g[i] = (rgb[3 * i]! + rgb[3 * i + 1]! + rgb[3 * i + 2]!) / (3 * 255)
  let mean = 0
  for (const v of g) mean += v
  mean /= n
  let m2 = 0
  let m3 = 0
  let black = 0
  let white = 0
  for (const v of g) {
    const d = v - mean
    m2 += d * d
    m3 += d * d * d
    if (v < 10 / 255) black++
    if (v > 245 / 255) white++
  }
  const std = Math.sqrt(m2 / n)
  const skew = std > 1e-6 ? m3 / n / std ** 3 : 0
  let grad = 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = g[y * width + x]!
      if (x + 1 < width) grad += Math.abs(g[y * width + x + 1]! - v)
      if (y + 1 < height) grad += Math.abs(g[(y + 1) * width + x]! - v)
    }
  }
  grad /= Math.max(1, (width - 1) * height + width * (height - 1))
  const cells = new Float64Array(16)
  const counts = new Float64Array(16)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = Math.min(3, Math.floor((4 * y) / height)) * 4 + Math.min(3, Math.floor((4 * x) / width))
      cells[c]! += g[y * width + x]!
      counts[c]!++
    }
  }
  const out = new Float64Array(PIXEL_STATS_DIM)
  out.set([mean, std, skew, black / n, white / n, lagCorrelation(g, width, height, 1), lagCorrelation(g, width, height, 4), grad])
  for (let c = 0; c < 16; c++) out[8 + c] = counts[c]! > 0 ? cells[c]! / counts[c]! : 0
  // Slot 24: share of the image in the darkest cell, relative to the mean (black borders and shadows): 0 for flat images.
  out[24] = mean > 1e-6 ? Math.min(...Array.from(cells, (s, c) => s / Math.max(1, counts[c]!))) / mean : 0
  return out
}
