/**
 * Opening images (drop, Open button, menu) and changing how a scan is displayed. A failed open keeps the
 * previous image and its overlay on screen; the error is shown next to it.
 */
import type { ImageInfoDto, ImageRenderRequest, Result } from '../../../preload/contract'
import { getApi } from '../api'
import { beginBusy, endBusy, isCurrent, showError } from './busy'
import { clearPin } from './drill-actions'
import { forgetShownChoices, refresh } from './explain-actions'
import { startOverlayClock } from './metrics'
import { resultsCache } from './results-cache'
import { scene, session } from './session'

function applyImage(info: ImageInfoDto): void {
  const { display, ...meta } = info
  resultsCache.clear()
  forgetShownChoices()
  clearPin()
  scene.setImage(display, meta.modelInput.key)
  // A new image starts from its own top class; the method and view settings are kept.
  session.set((s) => ({
    image: meta,
    result: null,
    targetClass: null,
    compare: { ...s.compare, targetClass: null },
    error: null,
    pixel: null,
    firstOverlayMs: null,
    overlayRenderMs: null,
  }))
}

async function finishOpen(requestId: string, name: string, r: Result<ImageInfoDto | null>): Promise<void> {
  if (!isCurrent(requestId)) return
  endBusy(requestId)
  if (!r.ok) return showError('image', `Could not open “${name}”.`, r.error)
  if (r.value === null) return
  applyImage(r.value)
  await refresh()
}

/** Drag-and-drop and the page's file input. */
export async function openFile(file: File): Promise<void> {
  startOverlayClock()
  const requestId = beginBusy('image', `Opening “${file.name}”`)
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await file.arrayBuffer())
  } catch {
    // The browser could not read the file (moved, permission); say so in the same words as main would.
    endBusy(requestId)
    return showError('image', `Could not open “${file.name}”.`, {
      code: 'image/not-found',
      message: 'The file could not be read. It may have been moved or deleted; choose it again.',
    })
  }
  await finishOpen(requestId, file.name, await getApi().loadImage({ name: file.name, bytes }))
}

/** Open button and the File ▸ Open menu: the native dialog in Electron, the browser's picker otherwise. */
export async function openDialog(): Promise<void> {
  startOverlayClock()
  const requestId = beginBusy('image', 'Opening an image')
  const r = await getApi().openImageDialog()
  await finishOpen(requestId, r.ok && r.value !== null ? r.value.name : 'the file', r)
}

/**
 * Window / invert / frame / slice / model input of a scan. When the model's pixels change (main's
 * `modelInput.key`), `refresh` explains the new input; results are cached by that key, so going back to an
 * earlier window is instant and a window change with full-range input does not re-run the model.
 */
export async function renderImage(patch: Omit<ImageRenderRequest, 'imageId'>): Promise<void> {
  if (!(await showRendition(patch))) return
  await refresh()
}

/** Asks main for a new rendition and shows it, without explaining it (right-drag previews). */
export async function showRendition(patch: Omit<ImageRenderRequest, 'imageId'>): Promise<boolean> {
  const image = session.get().image
  if (image === null) return false
  const r = await getApi().renderImage({ imageId: image.imageId, ...patch })
  // A new image arrived meanwhile: this rendition belongs to the old one.
  if (session.get().image?.imageId !== image.imageId) return false
  if (!r.ok) {
    showError('image', 'The display could not be changed.', r.error)
    return false
  }
  const { display, ...meta } = r.value
  scene.replaceImagePixels(display, meta.modelInput.key)
  session.set({ image: meta })
  return true
}
