/**
 * Browser mode's export ends here: main sends the finished file (or a ZIP of the figure's files) and the
 * browser saves it the way it saves any download, into the folder the user set for downloads (issue 15: the
 * files used to stay in a folder on the server the page could not reach). Electron never gets here: there the
 * user picks a folder in a native dialog.
 */
import type { ExportDownloadDto } from '../../preload/export-contract'

/** How long the object URL outlives the click: revoking it at once can cancel the download in some browsers. */
const KEEP_URL_MS = 60_000

export function saveDownload(download: ExportDownloadDto): void {
  const url = URL.createObjectURL(new Blob([download.bytes as Uint8Array<ArrayBuffer>], { type: download.mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = download.name
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS)
}
