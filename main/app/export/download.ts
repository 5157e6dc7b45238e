/**
 * Browser mode's export destination (issue 15: figures went to a server folder the user could not reach
 * from the page). `exportFigure` writes into a private temporary folder exactly as it writes into the folder
 * an Electron user picks, so the bytes are the same; this module reads them back as one download (the only
 * file, or a stored ZIP of all files) and removes the folder. The privacy preflight has run inside
 * `exportFigure` before any file existed, so a refused export delivers nothing.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { zipStored } from '../../adapters/export/zip'
import type { ExportReport } from '../../core/export/types'
import type { ExportDownloadDto } from '../../../preload/export-contract'

const MIME: Readonly<Record<string, string>> = {
  png: 'image/png', svg: 'image/svg+xml', pdf: 'application/pdf', dicom: 'application/dicom', json: 'application/json',
}

/** A fresh private folder for one browser-mode export (removed by {@link removeStaging}). */
export function stagingFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mamba-lens-export-'))
}

export async function removeStaging(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true })
}

/**
 * The archive's name: the figure's stem (input hash, methods, class); for one figure per class, the stems'
 * shared start and each class's own part, e.g. `ml-…-lrp-class1-malignant+class0-benign`.
 */
export function bundleStem(stems: readonly string[]): string {
  if (stems.length === 1) return stems[0]!
  const first = stems[0]!
  let shared = 0
  while (shared < first.length && stems.every((s) => s[shared] === first[shared])) shared++
  // Back to the start of the part that differs (the class), so each part reads "class1-malignant".
  const cut = first.lastIndexOf('-', shared) + 1
  return `${first.slice(0, cut)}${stems.map((s) => s.slice(cut)).join('+')}`
}

/** The export's files as one download; `createdAt` dates the ZIP entries. */
export async function downloadOf(reports: readonly ExportReport[], createdAt: Date): Promise<ExportDownloadDto> {
  const files = reports.flatMap((r) => r.files)
  const only = files.length === 1 ? files[0] : undefined
  // A plain Uint8Array, not the Buffer readFile gives: the bridge's JSON header would take a Buffer's toJSON().
  if (only !== undefined) return { name: basename(only.path), mime: MIME[only.format] ?? 'application/octet-stream', bytes: new Uint8Array(await readFile(only.path)) }
  const entries = await Promise.all(files.map(async (f) => ({ name: basename(f.path), bytes: new Uint8Array(await readFile(f.path)) })))
  return { name: `${bundleStem(reports.map((r) => r.stem))}.zip`, mime: 'application/zip', bytes: zipStored(entries, createdAt) }
}
