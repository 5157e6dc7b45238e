/**
 * Browser mode delivers an export as a browser download (issue 15). Clicks the dialog's Export button,
 * receives the download through Playwright and unpacks it: the figure's only file as is, or the entries
 * of the ZIP read by Python's zipfile (an independent reader).
 */
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { zipEntries } from '../main/adapters/export/readers'

export interface ReceivedExport {
  /** The name the browser saves the download under. */
  readonly name: string
  readonly bytes: Buffer
  /** The figure's files by name (one entry for a single-file export). */
  readonly files: ReadonlyMap<string, Buffer>
}

/** Clicks Export; resolves with the download once the dialog also shows its report. */
export async function exportAndReceive(page: Page, timeout = 120_000): Promise<ReceivedExport> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), page.click('[data-testid=export-run]')])
  const name = download.suggestedFilename()
  const bytes = readFileSync(await download.path())
  await page.waitForSelector('[data-testid=export-report] [data-testid=export-file]', { timeout })
  return { name, bytes, files: name.endsWith('.zip') ? zipEntries(bytes) : new Map([[name, bytes]]) }
}
