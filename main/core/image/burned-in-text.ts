/**
 * Burned-in text on the pixels (issue 15: an ultrasound DICOM with a burned-in exam date and ID-like text,
 * but no BurnedInAnnotation attribute, was written first and flagged only afterwards). No OCR: this finds
 * where text *is*, not what it says, so an export can stop before a byte is written and offer to mask it.
 *
 * Scanner annotations are crisp glyphs in a light (or dark) tone on a flat background, in rows of similar
 * height. Tissue speckle is bright too, but it is blotchy, sits on a textured mid-grey background and does
 * not line up. So: (1) pixels far from the local background (crisp strokes), (2) connected components of
 * glyph size and shape, (3) components chained along a baseline into lines of at least MIN_GLYPHS, (4) a
 * line whose surroundings are flat. Pure; never mutates its input.
 */
import type { Rgb8Image } from './types'

/** A text line's bounding box in image pixels (0-based, inclusive start, exclusive end). */
export interface TextRegion {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

const MIN_GLYPH_H = 5
const MAX_GLYPH_H = 48
const MIN_GLYPHS = 4
/** A stroke differs from the mean tone around it by at least this many grey levels. */
const STROKE_CONTRAST = 60
const LOCAL_RADIUS = 10
/** Background around a text line: at most this standard deviation of the grey levels. */
const FLAT_BACKGROUND_SD = 22

interface Box { x0: number; y0: number; x1: number; y1: number; area: number }

function luma(img: Rgb8Image): Uint8Array {
  const out = new Uint8Array(img.width * img.height)
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] = (77 * (img.data[j] as number) + 150 * (img.data[j + 1] as number) + 29 * (img.data[j + 2] as number)) >> 8
  }
  return out
}

/**
 * Pixels lighter (polarity +1) or darker (−1) than the mean of their (2·LOCAL_RADIUS+1)² neighbourhood by
 * ≥ STROKE_CONTRAST: thin strokes stand out from what surrounds them, while the inside of a flat band does
 * not (a global reference would mark a whole black band as stroke). One polarity at a time, or the dark gaps
 * between dense light glyphs would join them into one blob.
 */
function strokeMask(y: Uint8Array, w: number, h: number, polarity: 1 | -1): Uint8Array {
  const integral = new Float64Array((w + 1) * (h + 1))
  for (let py = 0; py < h; py++) {
    let row = 0
    for (let px = 0; px < w; px++) {
      row += y[py * w + px] as number
      integral[(py + 1) * (w + 1) + px + 1] = (integral[py * (w + 1) + px + 1] as number) + row
    }
  }
  const mask = new Uint8Array(w * h)
  for (let py = 0; py < h; py++) {
    const y0 = Math.max(0, py - LOCAL_RADIUS)
    const y1 = Math.min(h, py + LOCAL_RADIUS + 1)
    for (let px = 0; px < w; px++) {
      const x0 = Math.max(0, px - LOCAL_RADIUS)
      const x1 = Math.min(w, px + LOCAL_RADIUS + 1)
      const sum = (integral[y1 * (w + 1) + x1] as number) - (integral[y0 * (w + 1) + x1] as number)
        - (integral[y1 * (w + 1) + x0] as number) + (integral[y0 * (w + 1) + x0] as number)
      const mean = sum / ((y1 - y0) * (x1 - x0))
      if (polarity * ((y[py * w + px] as number) - mean) >= STROKE_CONTRAST) mask[py * w + px] = 1
    }
  }
  return mask
}

/** 8-connected components of the mask, as bounding boxes. */
function components(mask: Uint8Array, w: number, h: number): Box[] {
  const seen = new Uint8Array(mask.length)
  const stack: number[] = []
  const boxes: Box[] = []
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || seen[start] === 1) continue
    const b: Box = { x0: w, y0: h, x1: -1, y1: -1, area: 0 }
    seen[start] = 1
    stack.push(start)
    while (stack.length > 0) {
      const p = stack.pop() as number
      const px = p % w
      const py = (p - px) / w
      b.area++
      if (px < b.x0) b.x0 = px
      if (px > b.x1) b.x1 = px
      if (py < b.y0) b.y0 = py
      if (py > b.y1) b.y1 = py
      // A component larger than any glyph is tissue or a frame: stop growing it early (cost bound).
      if (b.area > MAX_GLYPH_H * MAX_GLYPH_H) continue
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const nx = px + dx
        const ny = py + dy
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue
        const q = ny * w + nx
        if (mask[q] === 1 && seen[q] === 0) {
          seen[q] = 1
          stack.push(q)
        }
      }
    }
    boxes.push(b)
  }
  return boxes
}

function isGlyph(b: Box): boolean {
  const bw = b.x1 - b.x0 + 1
  const bh = b.y1 - b.y0 + 1
  const fill = b.area / (bw * bh)
  // Thin strokes ('I', '1', 'l') fill their box; wider glyphs never do.
  return bh >= MIN_GLYPH_H && bh <= MAX_GLYPH_H && bw <= MAX_GLYPH_H && bw * 8 >= bh && fill >= 0.12 && (fill <= 0.9 || bw <= 3)
}

/** Glyphs chained left to right along a shared band: similar height, overlapping rows, small gaps. */
function lines(glyphs: Box[]): Box[][] {
  const sorted = [...glyphs].sort((a, b) => a.x0 - b.x0)
  const used = new Uint8Array(sorted.length)
  const out: Box[][] = []
  for (let i = 0; i < sorted.length; i++) {
    if (used[i] === 1) continue
    const line = [sorted[i] as Box]
    used[i] = 1
    let last = sorted[i] as Box
    for (let j = i + 1; j < sorted.length; j++) {
      const g = sorted[j] as Box
      const lh = last.y1 - last.y0 + 1
      if (g.x0 - last.x1 > 1.6 * lh) break
      const gh = g.y1 - g.y0 + 1
      const overlap = Math.min(g.y1, last.y1) - Math.max(g.y0, last.y0) + 1
      if (used[j] === 0 && overlap >= 0.5 * Math.min(gh, lh) && Math.max(gh, lh) <= 2.2 * Math.min(gh, lh) && g.x0 > last.x0) {
        line.push(g)
        used[j] = 1
        last = g
      }
    }
    if (line.length >= MIN_GLYPHS) out.push(line)
  }
  return out
}

/**
 * Whether the ring of pixels just outside a text box is flat (the annotation background, not tissue).
 * Measured outside the box because anti-aliased glyph edges inside it are neither stroke nor background.
 */
function isFlatSurround(y: Uint8Array, w: number, h: number, b: Box, pad: number): boolean {
  let n = 0
  let s = 0
  let s2 = 0
  for (let py = Math.max(0, b.y0 - pad); py <= Math.min(h - 1, b.y1 + pad); py++) {
    for (let px = Math.max(0, b.x0 - pad); px <= Math.min(w - 1, b.x1 + pad); px++) {
      if (py >= b.y0 && py <= b.y1 && px >= b.x0 && px <= b.x1) continue
      const v = y[py * w + px] as number
      n++
      s += v
      s2 += v * v
    }
  }
  if (n === 0) return true
  const mean = s / n
  return Math.sqrt(Math.max(0, s2 / n - mean * mean)) <= FLAT_BACKGROUND_SD
}

/** Lines of burned-in text, each padded by a few pixels (so masking covers anti-aliased edges). */
export function findBurnedInText(img: Rgb8Image): TextRegion[] {
  const { width: w, height: h } = img
  if (w < 8 || h < 8) return []
  const y = luma(img)
  const regions: TextRegion[] = []
  for (const polarity of [1, -1] as const) regions.push(...textLines(y, w, h, strokeMask(y, w, h, polarity)))
  return regions
}

function textLines(y: Uint8Array, w: number, h: number, mask: Uint8Array): TextRegion[] {
  const glyphs = components(mask, w, h).filter(isGlyph)
  const regions: TextRegion[] = []
  for (const line of lines(glyphs)) {
    const box: Box = { x0: w, y0: h, x1: 0, y1: 0, area: 0 }
    for (const g of line) {
      box.x0 = Math.min(box.x0, g.x0)
      box.y0 = Math.min(box.y0, g.y0)
      box.x1 = Math.max(box.x1, g.x1)
      box.y1 = Math.max(box.y1, g.y1)
    }
    const pad = Math.max(2, Math.round((box.y1 - box.y0 + 1) / 4))
    if (!isFlatSurround(y, w, h, box, pad)) continue
    const x = Math.max(0, box.x0 - pad)
    const top = Math.max(0, box.y0 - pad)
    regions.push({ x, y: top, width: Math.min(w, box.x1 + pad + 1) - x, height: Math.min(h, box.y1 + pad + 1) - top })
  }
  return regions
}

/** A copy of `img` with every region filled black (the reader's choice to mask burned-in text). */
export function maskRegions(img: Rgb8Image, regions: readonly TextRegion[]): Rgb8Image {
  const data = img.data.slice()
  for (const r of regions) {
    for (let py = r.y; py < r.y + r.height; py++) data.fill(0, (py * img.width + r.x) * 3, (py * img.width + r.x + r.width) * 3)
  }
  return { width: img.width, height: img.height, data }
}
