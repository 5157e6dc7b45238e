/**
 * Moving through frames (multi-frame DICOM, colour cines included) and slices (NIfTI) like a viewer does
 * (issue 15: "5 × → moved 3 frames"; every step re-ran the model). Each key press, wheel notch or cine tick
 * moves a *target* index at once, so no step is dropped however slow main is; one rendition request is in
 * flight at a time and the next one asks for the latest target (the last request wins). A model run in
 * flight is cancelled by the next step; the model runs only once the steps stop, and a frame or slice
 * explained before comes from the results cache (keyed by main's model-input key, which names the frame).
 */
import type { ImageRenderRequest } from '../../../preload/contract'
import { supersedeRun } from './busy'
import { refresh } from './explain-actions'
import { showRendition } from './image-actions'
import { session, type ImageMeta, type SessionState } from './session'

/** Which index the steps move: slices of a volume, else frames. */
function axisOf(image: ImageMeta): { readonly kind: 'slice' | 'frame'; readonly id: string; readonly index: number; readonly count: number } | null {
  if (image.slice !== null && image.slice.count > 1) return { kind: 'slice', id: `slice-${image.slice.axis}`, index: image.slice.index, count: image.slice.count }
  if (image.frame.count > 1) return { kind: 'frame', id: 'frame', index: image.frame.index, count: image.frame.count }
  return null
}

/** The index the user asked for last (ahead of the screen while renditions are on their way); `axis` names what it counts. */
let target: { imageId: string; axis: string; kind: 'slice' | 'frame'; index: number } | null = null
let pumping = false
let cine: { readonly timer: ReturnType<typeof setInterval>; readonly imageId: string } | null = null

/** The index the steps are heading to for `image`'s stepped axis, or null when none is pending for it. */
export function navIndexOf(image: ImageMeta, nav: SessionState['navTarget']): number | null {
  const axis = axisOf(image)
  return axis !== null && nav !== null && nav.imageId === image.imageId && nav.axis === axis.id ? nav.index : null
}

/** Whether the shown image can be stepped through. */
export function canStep(): boolean {
  const image = session.get().image
  return image !== null && axisOf(image) !== null
}

async function pump(): Promise<void> {
  pumping = true
  try {
    for (;;) {
      const image = session.get().image
      if (image === null || target === null || target.imageId !== image.imageId) break
      const axis = axisOf(image)
      if (axis === null || axis.id !== target.axis || axis.index === target.index) break
      const req: Omit<ImageRenderRequest, 'imageId'> = target.kind === 'slice' ? { slice: target.index } : { frame: target.index }
      if (!(await showRendition(req))) break
    }
  } finally {
    pumping = false
  }
  // Steps have stopped (or the cine shows frames only): explain what is shown, from the cache when possible.
  if (cine === null) await refresh()
}

/** Moves `delta` frames or slices from the last requested one (clamped; the cine wraps instead). */
export function stepImage(delta: number, wrap = false): void {
  const image = session.get().image
  if (image === null) return
  const axis = axisOf(image)
  if (axis === null) return
  const from = target?.imageId === image.imageId && target.axis === axis.id ? target.index : axis.index
  const raw = from + delta
  const index = wrap ? ((raw % axis.count) + axis.count) % axis.count : Math.max(0, Math.min(axis.count - 1, raw))
  goTo(index)
}

/** Goes to frame or slice `index` (0-based) of the shown image: the slider, Home/End, the cine. */
export function goTo(index: number): void {
  const image = session.get().image
  if (image === null) return
  const axis = axisOf(image)
  if (axis === null) return
  target = { imageId: image.imageId, axis: axis.id, kind: axis.kind, index: Math.max(0, Math.min(axis.count - 1, Math.round(index))) }
  // A run for the frame being left is no longer wanted: stop it so the worker is free for the new one.
  supersedeRun()
  session.set({ navTarget: { imageId: image.imageId, axis: axis.id, index: target.index } })
  if (!pumping) void pump()
}

/** Cine: plays frames (or slices) at `fps`, wrapping; the model is not run while playing. */
export function setCine(isPlaying: boolean, fps = 10): void {
  if (cine !== null) clearInterval(cine.timer)
  cine = null
  const imageId = session.get().image?.imageId
  if (isPlaying && imageId !== undefined) {
    const timer = setInterval(() => {
      // Another image was opened: the cine belonged to the old one.
      if (session.get().image?.imageId !== imageId) return setCine(false)
      stepImage(1, true)
    }, Math.round(1000 / fps))
    cine = { timer, imageId }
  }
  session.set({ cinePlaying: cine !== null })
  if (cine === null && !pumping) void refresh()
}

/** Wheel travel since the last step: a mouse notch (≈ 100 px) is one step, a touchpad's small deltas add up. */
let wheelTravel = 0
const WHEEL_STEP_PX = 50

/** A wheel event over the image with the wheel set to step: one frame or slice per notch, down = next. */
export function wheelStep(deltaY: number): void {
  // A change of direction starts afresh, so reversing never first undoes leftover travel.
  if (Math.sign(deltaY) !== Math.sign(wheelTravel)) wheelTravel = 0
  wheelTravel += deltaY
  if (Math.abs(wheelTravel) < WHEEL_STEP_PX) return
  stepImage(Math.sign(wheelTravel))
  wheelTravel = 0
}

/** Page Up / Page Down step, Home / End jump to the first / last frame or slice. True when the key was used. */
export function navKey(key: string): boolean {
  if (!canStep()) return false
  if (key === 'PageDown') stepImage(1)
  else if (key === 'PageUp') stepImage(-1)
  else if (key === 'Home') goTo(0)
  // goTo clamps to the last index of whichever axis is stepped.
  else if (key === 'End') goTo(Number.MAX_SAFE_INTEGER)
  else return false
  return true
}
