/**
 * Small RGB8 raster operations for figure composition: fill, paste, resample, translucent lines and
 * rectangles. Pure and allocation-explicit; coordinates are integer pixels of the destination.
 */
import type { Rgb8Image } from '../image/types'
import type { Rect } from './layout'

/** An RGB triple, 0…255. */
export type Rgb = readonly [number, number, number]

/** A new image filled with one colour. */
export function blankImage(width: number, height: number, colour: Rgb): Rgb8Image {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i += 3) {
    data[i] = colour[0]
    data[i + 1] = colour[1]
    data[i + 2] = colour[2]
  }
  return { width, height, data }
}

/** Copies `src` into `dst` at (x, y); parts outside `dst` are clipped. Mutates `dst` only. */
export function paste(dst: Rgb8Image, src: Rgb8Image, x: number, y: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const dy = y + sy
    if (dy < 0 || dy >= dst.height) continue
    for (let sx = 0; sx < src.width; sx++) {
      const dx = x + sx
      if (dx < 0 || dx >= dst.width) continue
      const si = (sy * src.width + sx) * 3
      const di = (dy * dst.width + dx) * 3
      dst.data[di] = src.data[si]!
      dst.data[di + 1] = src.data[si + 1]!
      dst.data[di + 2] = src.data[si + 2]!
    }
  }
}

/** Copies a rectangle out of an image (for tests and region checks). */
export function crop(img: Rgb8Image, r: Rect): Rgb8Image {
  const out = new Uint8Array(r.width * r.height * 3)
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * img.width + r.x) * 3
    out.set(img.data.subarray(from, from + r.width * 3), y * r.width * 3)
  }
  return { width: r.width, height: r.height, data: out }
}

/**
 * Resamples to `width × height`. Same size: a copy. Enlarging: bilinear with pixel centres aligned and
 * edges clamped (what a canvas does when it draws an image larger). Reducing: box filter over the
 * covered source area, which does not alias the way bilinear would at a large ratio.
 */
export function resizeRgb(src: Rgb8Image, width: number, height: number): Rgb8Image {
  if (width === src.width && height === src.height) return { width, height, data: src.data.slice() }
  const out = new Uint8Array(width * height * 3)
  const fx = src.width / width
  const fy = src.height / height
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3
      if (fx <= 1 && fy <= 1) bilinearAt(src, (x + 0.5) * fx - 0.5, (y + 0.5) * fy - 0.5, out, o)
      else boxAt(src, x * fx, y * fy, (x + 1) * fx, (y + 1) * fy, out, o)
    }
  }
  return { width, height, data: out }
}

function bilinearAt(src: Rgb8Image, sx: number, sy: number, out: Uint8Array, o: number): void {
  const x0 = Math.max(0, Math.min(src.width - 1, Math.floor(sx)))
  const y0 = Math.max(0, Math.min(src.height - 1, Math.floor(sy)))
  const x1 = Math.min(src.width - 1, x0 + 1)
  const y1 = Math.min(src.height - 1, y0 + 1)
  const tx = Math.max(0, Math.min(1, sx - x0))
  const ty = Math.max(0, Math.min(1, sy - y0))
  for (let c = 0; c < 3; c++) {
    const a = src.data[(y0 * src.width + x0) * 3 + c]!
    const b = src.data[(y0 * src.width + x1) * 3 + c]!
    const d = src.data[(y1 * src.width + x0) * 3 + c]!
    const e = src.data[(y1 * src.width + x1) * 3 + c]!
    out[o + c] = Math.round((a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty)
  }
}

function boxAt(src: Rgb8Image, x0: number, y0: number, x1: number, y1: number, out: Uint8Array, o: number): void {
  let r = 0
  let g = 0
  let b = 0
  let wsum = 0
  for (let y = Math.floor(y0); y < Math.min(src.height, Math.ceil(y1)); y++) {
    const wy = Math.min(y + 1, y1) - Math.max(y, y0)
    for (let x = Math.floor(x0); x < Math.min(src.width, Math.ceil(x1)); x++) {
      const w = wy * (Math.min(x + 1, x1) - Math.max(x, x0))
      const i = (y * src.width + x) * 3
      r += src.data[i]! * w
      g += src.data[i + 1]! * w
      b += src.data[i + 2]! * w
      wsum += w
    }
  }
  out[o] = Math.round(r / wsum)
  out[o + 1] = Math.round(g / wsum)
  out[o + 2] = Math.round(b / wsum)
}

/** Blends `colour` at `alpha` (0…1) over the pixels of `r` (clipped to the image). Mutates `dst`. */
export function blendRect(dst: Rgb8Image, r: Rect, colour: Rgb, alpha: number): void {
  const xa = Math.max(0, Math.round(r.x))
  const ya = Math.max(0, Math.round(r.y))
  const xb = Math.min(dst.width, Math.round(r.x + r.width))
  const yb = Math.min(dst.height, Math.round(r.y + r.height))
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const i = (y * dst.width + x) * 3
      for (let c = 0; c < 3; c++) dst.data[i + c] = Math.round(dst.data[i + c]! * (1 - alpha) + colour[c]! * alpha)
    }
  }
}

/** Outline of `r` with a stroke `line` px wide drawn inside it (so it never spills out of a panel). */
export function strokeRect(dst: Rgb8Image, r: Rect, colour: Rgb, line: number, alpha = 1): void {
  const w = Math.max(1, Math.round(line))
  blendRect(dst, { x: r.x, y: r.y, width: r.width, height: w }, colour, alpha)
  blendRect(dst, { x: r.x, y: r.y + r.height - w, width: r.width, height: w }, colour, alpha)
  blendRect(dst, { x: r.x, y: r.y + w, width: w, height: r.height - 2 * w }, colour, alpha)
  blendRect(dst, { x: r.x + r.width - w, y: r.y + w, width: w, height: r.height - 2 * w }, colour, alpha)
}
