// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * Patient-data preflight for a non-DICOM input (issue 15), browser mode, real engine and conformance model:
 * the caption ("Patient Maria Silva, DOB 1970-01-01, MRN 12345") is refused for a PNG and nothing is
 * downloaded; a PNG with text burned into its pixels is refused before anything is delivered, then exported
 * with the text masked on the user's choice; a text file renamed .png and an empty file are named as what they are.
 */
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { exportAndReceive } from './downloads'
import { dropFile, appForSpec, needsApp, shot, skipReason } from './harness'
import { makeScenePng } from './images'

const reason = skipReason()
let page: Page
/** Downloads the page has started (a refused export must start none). */
let downloads = 0

/** The e2e scene with a black annotation band on top carrying scanner-style text (drawn by librsvg). */
async function sceneWithText(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="44" fill="black"/>
    <text x="6" y="16" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#e6e6e6">SILVA MARIA 12345</text>
    <text x="6" y="34" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#e6e6e6">2026-03-01 10:42 L12-5</text></svg>`
  return sharp(await makeScenePng(320, 240, 2)).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toBuffer()
}

async function dropAndExplain(bytes: Buffer, name: string): Promise<void> {
  const before = await page.getAttribute('[data-testid=model-input-panel]', 'data-run-id').catch(() => null)
  await dropFile(page, bytes, name)
  await page.waitForFunction((b) => {
    const id = document.querySelector('[data-testid=model-input-panel]')?.getAttribute('data-run-id')
    return id !== undefined && id !== null && id !== '' && id !== b && document.querySelector('[data-testid=progress]') === null
  }, before, { timeout: 150_000 })
}

async function openExportDialog(caption: string): Promise<void> {
  if (!(await page.isVisible('[data-testid=export-dialog]'))) await page.click('[data-testid=export-button]')
  await page.waitForSelector('[data-testid=export-dialog]:not([hidden])')
  await page.fill('[data-testid=export-caption]', caption)
}

describe('patient-data preflight for a PNG (browser mode, end to end)', () => {
  appForSpec(reason, async (p) => {
    page = p
    page.on('download', () => void (downloads += 1))
  })

  it('the issue\'s PHI caption is refused for a PNG input; nothing is written', async (ctx) => {
    needsApp(ctx)
    await dropAndExplain(await makeScenePng(), 'scene.png')
    await openExportDialog('Patient Maria Silva, DOB 1970-01-01, MRN 12345')
    await page.click('[data-testid=export-run]')
    await page.waitForSelector('[data-testid=export-error]', { timeout: 60_000 })
    expect(await page.getAttribute('[data-testid=export-error]', 'data-code')).toBe('export/phi-pattern')
    expect(await page.textContent('[data-testid=export-error]')).toMatch(/looks like it contains patient details \(a date, a record number, a person's name\)/)
    expect(downloads).toBe(0)
    await shot(page, '40-png-phi-caption-refused')
    // Without the identifiers the same figure is delivered.
    await page.fill('[data-testid=export-caption]', 'Synthetic scene, follow-up view.')
    const got = await exportAndReceive(page)
    expect(got.name).toMatch(/\.png$/)
    expect(downloads).toBe(1)
  })

  it('text burned into a PNG\'s pixels stops the export before writing; masking it is the user\'s choice', async (ctx) => {
    needsApp(ctx)
    await dropAndExplain(await sceneWithText(), 'annotated.png')
    await openExportDialog('')
    await page.click('[data-testid=export-run]')
    await page.waitForSelector('[data-testid=export-burned-in-text]', { timeout: 60_000 })
    expect(await page.textContent('[data-testid=export-burned-in-text]')).toMatch(/2 line\(s\) of text burned into its pixels/)
    expect(downloads).toBe(1) // only the earlier test's
    await shot(page, '41-png-burned-in-text-asks')
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('[data-testid=export-mask-text]')])
    await page.waitForSelector('[data-testid=export-report] [data-testid=export-file]', { timeout: 120_000 })
    expect(await page.textContent('[data-testid=export-report]')).toMatch(/burned-in text were masked/)
    expect(download.suggestedFilename()).toMatch(/\.png$/)
    await shot(page, '42-png-burned-in-text-masked')
  })

  it.for([
    ['a text file renamed .png', Buffer.from('Patient notes\nnothing to see here\n'), 'notes.png', /This is a text file, not an image/],
    ['an empty file', Buffer.alloc(0), 'empty.png', /The file is empty/],
  ] as const)('%s is named as what it is', async ([, bytes, name, message], ctx) => {
    needsApp(ctx)
    await dropFile(page, bytes, name)
    await page.waitForFunction((n) => document.querySelector('[data-testid=error-note]')?.textContent?.includes(n) === true, name, { timeout: 30_000 })
    expect(await page.textContent('[data-testid=error-note]')).toMatch(message)
    await shot(page, `43-${name.replace('.', '-')}`)
  })
})
