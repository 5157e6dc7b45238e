/**
 * Native dialogs (Electron only). Main reads the file and picks the export folder, so the page never sees or
 * sends a path (STYLE.md §1.1).
 */
import { dialog, type BrowserWindow } from 'electron'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppError } from '../core/errors'
import { MAX_IMAGE_BYTES } from './schemas'

const FILTERS = [
  { name: 'Images and scans', extensions: ['png', 'jpg', 'jpeg', 'webp', 'tif', 'tiff', 'gif', 'dcm', 'dicom', 'nii', 'gz'] },
  { name: 'All files', extensions: ['*'] },
]

export async function showOpenImageDialog(win: BrowserWindow): Promise<{ name: string; bytes: Uint8Array } | null> {
  const r = await dialog.showOpenDialog(win, { title: 'Open image', properties: ['openFile'], filters: FILTERS })
  const path = r.filePaths[0]
  if (r.canceled || path === undefined) return null
  // Size first: reading a multi-gigabyte file just to refuse it would stall the app.
  if ((await stat(path)).size > MAX_IMAGE_BYTES) throw new AppError('image/too-large', { detail: { reason: `file over ${MAX_IMAGE_BYTES / 2 ** 20} MB` } })
  return { name: basename(path), bytes: new Uint8Array(await readFile(path)) }
}

/** Folder for an exported figure; starts at the last folder chosen in this session. `null` when cancelled. */
export function exportFolderDialog(win: () => BrowserWindow | null, firstFolder: string): () => Promise<string | null> {
  let last = firstFolder
  return async () => {
    const w = win()
    if (w === null) return null
    const r = await dialog.showOpenDialog(w, {
      title: 'Export figure to folder',
      buttonLabel: 'Export here',
      defaultPath: last,
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    })
    const folder = r.filePaths[0]
    if (r.canceled || folder === undefined) return null
    last = folder
    return folder
  }
}
