/**
 * Native Open dialog (Electron only). Main reads the file, so the page never sees a path (STYLE.md §1.1).
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
  if ((await stat(path)).size > MAX_IMAGE_BYTES) throw new AppError('image/too-large')
  return { name: basename(path), bytes: new Uint8Array(await readFile(path)) }
}
