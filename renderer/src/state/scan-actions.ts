/**
 * Scan interactions that talk to main at pointer rate: the pixel readout under the pointer and window/level
 * by right-drag. Both coalesce: one request in flight, and only the latest position is sent next, so a fast
 * pointer never queues stale requests. The right-drag previews the display only; the model is explained
 * once, on release (each explanation takes seconds).
 */
import type { PatientDetailsDto, Result, WindowLevelDto } from '../../../preload/contract'
import { dragWindow } from '@core/ui/scan-view'
import { getApi } from '../api'
import { renderImage, showRendition } from './image-actions'
import { session } from './session'

let pixelInFlight = false
let pendingPixel: { x: number; y: number } | null = null
let pixelKey = ''

async function pumpPixel(): Promise<void> {
  pixelInFlight = true
  try {
    while (pendingPixel !== null) {
      const q = pendingPixel
      pendingPixel = null
      const image = session.get().image
      if (image === null) break
      const r = await getApi().getPixelValue({ imageId: image.imageId, ...q })
      // The pointer may have left meanwhile; a readout errors only if the image went away, so it is just dropped.
      if (r.ok && pixelKey !== '' && session.get().image?.imageId === image.imageId) session.set({ pixel: r.value })
    }
  } finally {
    pixelInFlight = false
  }
}

/** Pointer over image pixel (x, y) of the original grid, or `null` when it left the image. */
export function hoverPixel(p: { readonly x: number; readonly y: number } | null): void {
  if (p === null || session.get().image === null) {
    pendingPixel = null
    pixelKey = ''
    session.set({ pixel: null })
    return
  }
  const q = { x: Math.floor(p.x), y: Math.floor(p.y) }
  const key = `${q.x},${q.y}`
  if (key === pixelKey) return
  pixelKey = key
  pendingPixel = q
  if (!pixelInFlight) void pumpPixel()
}

let windowInFlight: Promise<unknown> | null = null
let pendingWindow: WindowLevelDto | null = null

async function pumpWindow(): Promise<void> {
  while (pendingWindow !== null) {
    const w = pendingWindow
    pendingWindow = null
    await showRendition({ window: w })
  }
}

/** During a right-drag: show the new window (display only). */
export function previewWindow(w: WindowLevelDto): void {
  pendingWindow = w
  windowInFlight ??= pumpWindow().finally(() => (windowInFlight = null))
}

/** Right button released: settle on the final window and explain what the model now sees. */
export async function commitWindow(w: WindowLevelDto): Promise<void> {
  pendingWindow = null
  await windowInFlight
  await renderImage({ window: w })
}

let drag: { start: WindowLevelDto; last: WindowLevelDto | null } | null = null

/** Right button pressed on a grey image: remembers the window the drag starts from. False when there is none. */
export function startWindowDrag(): boolean {
  const image = session.get().image
  drag = image !== null && image.isGray ? { start: image.window, last: null } : null
  return drag !== null
}

/** Pointer moved (dx, dy) screen px since the right button went down: preview that window. */
export function moveWindowDrag(dx: number, dy: number): void {
  const image = session.get().image
  if (drag === null || image === null) return
  drag.last = dragWindow(drag.start, dx, dy, image.valueRange)
  previewWindow(drag.last)
}

/** Right button released: a drag that changed the window is committed (and explained); a plain click is not. */
export function endWindowDrag(): void {
  const last = drag?.last ?? null
  drag = null
  if (last !== null) void commitWindow(last)
}

/** "Show patient details": identifying attributes for the user's eyes only (kept in the panel, never logged). */
export async function fetchPatientDetails(): Promise<Result<PatientDetailsDto> | null> {
  const image = session.get().image
  return image === null ? null : getApi().getPatientDetails({ imageId: image.imageId })
}
