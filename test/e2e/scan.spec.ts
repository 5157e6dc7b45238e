// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * A medical scan in browser mode, real engine and conformance model: a signed CT DICOM generated here with
 * dcmjs (made-up patient attributes) is dropped; the millimetre scale bar and the HU readout appear; a window
 * preset and a right-drag change the window, and both the model input and the overlay change with it; patient
 * details appear only on request and never reach main's log; with full-range input a window change does not
 * re-run the model.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_PATIENT, SOP, makeDicom, phantom } from '../fixtures/dicom-gen/make-dicom'
import { ARTIFACTS, canvasPixels, dropFile, heatmapStats, needsApp, openApp, meanAbsDiff, shot, skipReason, type WebApp } from './harness'

const reason = skipReason()
let app: WebApp | null = null
let browser: Browser | null = null
let page: Page


/** Signed 16-bit CT, intercept −1024 (HU −2024…976), soft-tissue and lung windows in the file, 0.7 mm pixels. */
function ctDicom(): Buffer {
  const rows = 160
  const columns = 192
  const base = phantom(rows, columns, -1000, 2000)
  // A second, smaller structure off centre so the model has something beside the disc.
  const stored = base.map((v, i) => ((i % columns) - 40) ** 2 + (Math.floor(i / columns) - 120) ** 2 < 400 ? 1200 : v)
  return Buffer.from(makeDicom({
    sopClassUid: SOP.ct, rows, columns, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, photometric: 'MONOCHROME2',
    pixels: Int16Array.from(stored),
    attributes: { Modality: 'CT', RescaleIntercept: -1024, RescaleSlope: 1, RescaleType: 'HU', WindowCenter: [40, -600], WindowWidth: [400, 1500], PixelSpacing: [0.7, 0.7] },
  }))
}

const runId = (): Promise<string | null> => page.getAttribute('[data-testid=model-input-panel]', 'data-run-id')

async function waitForNewRun(previous: string | null): Promise<string | null> {
  await page.waitForFunction((p) => {
    const id = document.querySelector('[data-testid=model-input-panel]')?.getAttribute('data-run-id')
    return id !== undefined && id !== null && id !== '' && id !== p && document.querySelector('[data-testid=progress]') === null
  }, previous, { timeout: 150_000 })
  return runId()
}

describe('medical scan (browser mode, end to end)', () => {
  beforeAll(async () => {
    if (reason !== null) return
    ;({ app, browser, page } = await openApp())
  })

  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('a signed CT DICOM: overlay, model input in words, millimetre scale bar, HU under the pointer', async (ctx) => {
    needsApp(ctx)
    await dropFile(page, ctDicom(), 'ct.dcm', 'application/dicom')
    await waitForNewRun(null)
    expect(await page.inputValue('[data-testid=window-preset]')).toBe('file-window-0')
    expect(await page.textContent('[data-testid=model-input-mapping]')).toMatch(/Displayed window C 40, W 400 → 8-bit, grey copied to 3 channels/)
    expect((await heatmapStats(page)).opaque).toBeGreaterThan(1000)
    const bar = page.locator('[data-testid=scale-bar]')
    expect(await bar.isVisible()).toBe(true)
    expect(Number(await bar.getAttribute('data-mm'))).toBeGreaterThan(0)
    expect(await bar.textContent()).toMatch(/\d+ (mm|cm)/)
    const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
    if (box === null) throw new Error('no overlay pane')
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.waitForSelector('[data-testid=pixel-readout]')
    expect(await page.textContent('[data-testid=pixel-readout]')).toMatch(/^Pixel \(\d+, \d+\): −?\d+ HU$/)
    await shot(page, '30-ct-loaded')
  })

  it('a window preset changes the model input and the overlay', async (ctx) => {
    needsApp(ctx)
    const run0 = await runId()
    const input0 = await canvasPixels(page, '[data-testid=model-input-canvas]')
    const heat0 = await heatmapStats(page)
    await page.selectOption('[data-testid=window-preset]', 'ct-lung')
    await waitForNewRun(run0)
    expect(await page.textContent('[data-testid=model-input-mapping]')).toMatch(/C -600, W 1500/)
    expect(meanAbsDiff(input0, await canvasPixels(page, '[data-testid=model-input-canvas]'))).toBeGreaterThan(5)
    // The overlay is redrawn from the new run: its pixels differ (maps are min-max scaled, so by little).
    const heat1 = await heatmapStats(page)
    expect(heat1.hash).not.toBe(heat0.hash)
    expect(meanAbsDiff(heat0.pixels, heat1.pixels)).toBeGreaterThan(0)
    await shot(page, '31-ct-lung-window')
  })

  it('right-drag changes the window (custom), and the model input and overlay follow on release', async (ctx) => {
    needsApp(ctx)
    const run0 = await runId()
    const input0 = await canvasPixels(page, '[data-testid=model-input-canvas]')
    const heat0 = await heatmapStats(page)
    const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
    if (box === null) throw new Error('no overlay pane')
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2]
    await page.mouse.move(x, y)
    await page.mouse.down({ button: 'right' })
    await page.mouse.move(x - 120, y + 90, { steps: 8 })
    await page.mouse.up({ button: 'right' })
    await waitForNewRun(run0)
    expect(await page.inputValue('[data-testid=window-preset]')).toBe('')
    expect(await page.textContent('#window-preset option[value=""]')).toMatch(/Custom \(C -?\d+, W \d+\)/)
    expect(meanAbsDiff(input0, await canvasPixels(page, '[data-testid=model-input-canvas]'))).toBeGreaterThan(2)
    // The overlay is redrawn from the new run: its pixels differ (maps are min-max scaled, so by little).
    const heat1 = await heatmapStats(page)
    expect(heat1.hash).not.toBe(heat0.hash)
    expect(meanAbsDiff(heat0.pixels, heat1.pixels)).toBeGreaterThan(0)
    await shot(page, '32-ct-right-drag')
  })

  it('patient details only on request; they never reach main\'s log', async (ctx) => {
    needsApp(ctx)
    expect(await page.textContent('body')).not.toContain(FAKE_PATIENT.PatientName)
    await page.click('[data-testid=phi-toggle]')
    await page.waitForSelector('[data-testid=phi-list]')
    expect(await page.textContent('[data-testid=phi-list]')).toContain(FAKE_PATIENT.PatientName)
    await shot(page, '33-ct-patient-details')
    await page.click('[data-testid=phi-toggle]')
    expect(await page.textContent('body')).not.toContain(FAKE_PATIENT.PatientName)
    const log = readFileSync(join(ARTIFACTS, 'server.log'), 'utf8')
    for (const v of Object.values(FAKE_PATIENT)) expect(log).not.toContain(v)
  })

  it('full-range model input: one new run, then window changes only re-render the display', async (ctx) => {
    needsApp(ctx)
    const run0 = await runId()
    await page.selectOption('[data-testid=model-input-source]', 'full-range')
    const run1 = await waitForNewRun(run0)
    expect(await page.textContent('[data-testid=model-input-mapping]')).toMatch(/^Full value range/)
    await page.selectOption('[data-testid=window-preset]', 'ct-bone')
    await page.waitForFunction(() => (document.querySelector('[data-testid=window-preset]') as HTMLSelectElement | null)?.value === 'ct-bone')
    await page.waitForTimeout(500)
    expect(await runId()).toBe(run1)
    expect(await page.isVisible('[data-testid=progress]')).toBe(false)
    await shot(page, '34-ct-full-range')
  })
})
