// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * A medical scan in browser mode, real engine and conformance model: a signed CT DICOM generated here with
 * dcmjs (made-up patient attributes) is dropped; the millimetre scale bar and the HU readout appear; window
 * presets, a right-drag and invert change the display but never the verdict or the model input (issue 15); the
 * reader can ask explicitly for the shown window and the panel says so; patient details appear only on request
 * and never reach main's log; with full-range input a window change does not re-run the model.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { FAKE_PATIENT } from '../fixtures/dicom-gen/make-dicom'
import { ctDicom } from './ct-dicom'
import { ARTIFACTS, canvasPixels, dropFile, heatmapStats, appForSpec, needsApp, meanAbsDiff, shot, skipReason } from './harness'

const reason = skipReason()
let page: Page


const runId = (): Promise<string | null> => page.getAttribute('[data-testid=model-input-panel]', 'data-run-id')

async function waitForNewRun(previous: string | null): Promise<string | null> {
  await page.waitForFunction((p) => {
    const id = document.querySelector('[data-testid=model-input-panel]')?.getAttribute('data-run-id')
    return id !== undefined && id !== null && id !== '' && id !== p && document.querySelector('[data-testid=progress]') === null
  }, previous, { timeout: 150_000 })
  return runId()
}

describe('medical scan (browser mode, end to end)', () => {
  appForSpec(reason, (p) => { page = p })

  it('a signed CT DICOM: overlay, model input in words, millimetre scale bar, HU under the pointer', async (ctx) => {
    needsApp(ctx)
    await dropFile(page, ctDicom(), 'ct.dcm', 'application/dicom')
    await waitForNewRun(null)
    expect(await page.inputValue('[data-testid=window-preset]')).toBe('file-window-0')
    expect(await page.textContent('[data-testid=model-input-mapping]')).toMatch(/The file's own window C 40, W 400 → 8-bit, grey copied to 3 channels/)
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

  /** The verdict as the reader sees it: every top-5 row's label and probability, and the explained class. */
  const verdict = async (): Promise<string> =>
    (await page.locator('[data-testid=prediction] .topk-row').allTextContents()).join(' | ') + ` → ${await page.textContent('[data-testid=explained-class]')}`

  it('window presets, a right-drag and invert change only the display: the verdict and model input stay', async (ctx) => {
    needsApp(ctx)
    const run0 = await runId()
    const verdict0 = await verdict()
    const input0 = await canvasPixels(page, '[data-testid=model-input-canvas]')
    const mapping0 = await page.textContent('[data-testid=model-input-mapping]')
    expect(mapping0).toMatch(/display window, presets and invert do not change it/)
    const pane0 = await page.locator('[data-testid=overlay-pane-0]').screenshot()
    const unchanged = async (label: string): Promise<void> => {
      // Give a (wrong) re-run every chance to start: the page would show progress and a new run id.
      await page.waitForTimeout(600)
      expect(await page.isVisible('[data-testid=progress]'), label).toBe(false)
      expect(await runId(), label).toBe(run0)
      expect(await verdict(), label).toBe(verdict0)
      expect(await page.textContent('[data-testid=model-input-mapping]'), label).toBe(mapping0)
      expect(meanAbsDiff(input0, await canvasPixels(page, '[data-testid=model-input-canvas]')), label).toBe(0)
      expect((await page.locator('[data-testid=overlay-pane-0]').screenshot()).equals(pane0), `${label}: the display changed`).toBe(false)
    }
    for (const preset of ['ct-lung', 'ct-bone']) {
      await page.selectOption('[data-testid=window-preset]', preset)
      await unchanged(preset)
    }
    await shot(page, '31-ct-bone-window-same-verdict')
    const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
    if (box === null) throw new Error('no overlay pane')
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2]
    await page.mouse.move(x, y)
    await page.mouse.down({ button: 'right' })
    await page.mouse.move(x - 120, y + 90, { steps: 8 })
    await page.mouse.up({ button: 'right' })
    await page.waitForFunction(() => (document.querySelector('[data-testid=window-preset]') as HTMLSelectElement | null)?.value === '')
    expect(await page.textContent('#window-preset option[value=""]')).toMatch(/Custom \(C -?\d+, W \d+\)/)
    await unchanged('right-drag')
    // The checkbox is controlled by main's reply, so it turns checked once the new rendition is shown.
    await page.click('[data-testid=invert]')
    await page.waitForFunction(() => (document.querySelector('[data-testid=invert]') as HTMLInputElement | null)?.checked === true)
    await unchanged('invert')
    await shot(page, '32-ct-right-drag-invert-same-verdict')
    await page.click('[data-testid=invert]')
    await page.waitForFunction(() => (document.querySelector('[data-testid=invert]') as HTMLInputElement | null)?.checked === false)
    await page.selectOption('[data-testid=window-preset]', 'file-window-0')
  })

  it('the reader asks the model to see the shown window: one new run, and the panel says it was their choice', async (ctx) => {
    needsApp(ctx)
    await page.selectOption('[data-testid=window-preset]', 'ct-lung')
    const run0 = await runId()
    await page.selectOption('[data-testid=model-input-source]', 'reader-window')
    await waitForNewRun(run0)
    expect(await page.textContent('[data-testid=model-input-mapping]')).toMatch(/^Window C -600, W 1500 → 8-bit.*You chose this for the model/)
    expect(await page.textContent('[data-testid=model-input-note]')).toMatch(/You asked the model to see the window C -600, W 1500/)
    await shot(page, '33-ct-reader-window')
    const run1 = await runId()
    await page.selectOption('[data-testid=model-input-source]', 'model-card')
    await page.waitForFunction((r) => document.querySelector('[data-testid=model-input-panel]')?.getAttribute('data-run-id') !== r, run1)
    expect(await page.textContent('[data-testid=model-input-mapping]')).toMatch(/^The file's own window C 40, W 400/)
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

  it('full-range model input on request: one new run, then window changes only re-render the display', async (ctx) => {
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
