/**
 * Coordinate spaces of the overlay, kept explicit (STYLE.md §1.8):
 * `screen (stage px) → image px (displayed image) → model px (e.g. 224) → patch (row, col) → token`.
 * The last step (patch ↔ token, CLS in the middle) lives in `../layout.ts`; this file never re-derives it.
 * Pure and allocation-light: called on every pointer move.
 */

/** A point in some 2-D pixel space. */
export interface Point {
  readonly x: number
  readonly y: number
}

/** An axis-aligned rectangle. */
export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/** Stage transform: `screen = image · scale + (x, y)`. Shared by every layer, so overlay and image stay locked. */
export interface Viewport {
  readonly scale: number
  readonly x: number
  readonly y: number
}

/**
 * Where the model input sits on the displayed image: `crop` (image px) was resized to `modelWidth × modelHeight`
 * (mirrors `InputTransform` of the engine API). For "what the model saw" the displayed image is the model input
 * itself, so the frame is the identity (see {@link identityFrame}).
 */
export interface ModelFrame {
  readonly crop: Rect
  readonly modelWidth: number
  readonly modelHeight: number
}

/** Patch grid of the model (`gridRows × gridCols` patches over the model input). */
export interface PatchGrid {
  readonly gridRows: number
  readonly gridCols: number
}

/** A patch position; `index` is row-major (`row · gridCols + col`), as in `../layout.ts`. */
export interface PatchCell {
  readonly row: number
  readonly col: number
  readonly index: number
}

export const IDENTITY_VIEWPORT: Viewport = { scale: 1, x: 0, y: 0 }

/** The frame of an image that *is* the model input. */
export function identityFrame(modelWidth: number, modelHeight: number): ModelFrame {
  return { crop: { x: 0, y: 0, width: modelWidth, height: modelHeight }, modelWidth, modelHeight }
}

export function screenToImage(p: Point, v: Viewport): Point {
  return { x: (p.x - v.x) / v.scale, y: (p.y - v.y) / v.scale }
}

export function imageToScreen(p: Point, v: Viewport): Point {
  return { x: p.x * v.scale + v.x, y: p.y * v.scale + v.y }
}

export function imageToModel(p: Point, f: ModelFrame): Point {
  return {
    x: ((p.x - f.crop.x) * f.modelWidth) / f.crop.width,
    y: ((p.y - f.crop.y) * f.modelHeight) / f.crop.height,
  }
}

export function modelToImage(p: Point, f: ModelFrame): Point {
  return {
    x: f.crop.x + (p.x * f.crop.width) / f.modelWidth,
    y: f.crop.y + (p.y * f.crop.height) / f.modelHeight,
  }
}

/** Patch under a model-space point, or `null` outside the model input (e.g. the cropped-away margin). */
export function modelToPatch(p: Point, f: ModelFrame, g: PatchGrid): PatchCell | null {
  if (!(p.x >= 0 && p.y >= 0 && p.x < f.modelWidth && p.y < f.modelHeight)) return null
  const col = Math.min(g.gridCols - 1, Math.floor((p.x * g.gridCols) / f.modelWidth))
  const row = Math.min(g.gridRows - 1, Math.floor((p.y * g.gridRows) / f.modelHeight))
  return { row, col, index: row * g.gridCols + col }
}

/** Patch under a screen point: the whole chain in one call (hover and click use it). */
export function screenToPatch(p: Point, v: Viewport, f: ModelFrame, g: PatchGrid): PatchCell | null {
  return modelToPatch(imageToModel(screenToImage(p, v), f), f, g)
}

/** Cell of a row-major patch index, or `null` when out of range. */
export function patchCell(index: number, g: PatchGrid): PatchCell | null {
  if (!Number.isInteger(index) || index < 0 || index >= g.gridRows * g.gridCols) return null
  return { row: Math.floor(index / g.gridCols), col: index % g.gridCols, index }
}

/** Rectangle of a patch in image px (where the hover/pin outline is drawn). */
export function patchRectInImage(cell: PatchCell, f: ModelFrame, g: PatchGrid): Rect {
  const pw = f.modelWidth / g.gridCols
  const ph = f.modelHeight / g.gridRows
  const a = modelToImage({ x: cell.col * pw, y: cell.row * ph }, f)
  const b = modelToImage({ x: (cell.col + 1) * pw, y: (cell.row + 1) * ph }, f)
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y }
}

/** Keyboard move of a pinned patch; stays inside the grid (edges do not wrap, so the user never "jumps"). */
export function movePatch(cell: PatchCell, dRow: number, dCol: number, g: PatchGrid): PatchCell {
  const row = Math.max(0, Math.min(g.gridRows - 1, cell.row + dRow))
  const col = Math.max(0, Math.min(g.gridCols - 1, cell.col + dCol))
  return { row, col, index: row * g.gridCols + col }
}

export const MIN_SCALE = 0.05
export const MAX_SCALE = 64

/** Scale and offset that fit an image into a container with a margin, centred. */
export function fitViewport(containerW: number, containerH: number, imageW: number, imageH: number, margin = 8): Viewport {
  if (imageW <= 0 || imageH <= 0 || containerW <= 0 || containerH <= 0) return IDENTITY_VIEWPORT
  const scale = Math.max(MIN_SCALE, Math.min((containerW - 2 * margin) / imageW, (containerH - 2 * margin) / imageH))
  return { scale, x: (containerW - imageW * scale) / 2, y: (containerH - imageH * scale) / 2 }
}

/** Zoom by `factor` keeping the image point under `anchor` (screen px) fixed, as map viewers do. */
export function zoomAt(v: Viewport, factor: number, anchor: Point): Viewport {
  const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, v.scale * factor))
  const img = screenToImage(anchor, v)
  return { scale, x: anchor.x - img.x * scale, y: anchor.y - img.y * scale }
}

export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { scale: v.scale, x: v.x + dx, y: v.y + dy }
}
