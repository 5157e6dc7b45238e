// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * The whole flow in browser mode, against the real engine and the conformance model, in headless Debian
 * Chromium: drop → prediction + overlay; method, class, opacity, colormap; drill-down of a patch (24 layers ×
 * 2 directions); keyboard; cancel; a corrupt file. Screenshots of every state go to artifacts/e2e/.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { dropFile, heatmapStats, appForSpec, needsApp, meanAbsDiff, shot, skipReason } from './harness'
import { makeCorruptPng, makeScenePng } from './images'

const reason = skipReason()
let page: Page


const drillState = (): Promise<string | null> => page.getAttribute('[data-testid=drill-panel]', 'data-state')

describe('browser mode, end to end', () => {
  appForSpec(reason, async (p) => {
    page = p
    await shot(page, '01-empty')
  })

  it('drop an image made by our code → prediction and overlay appear', async (ctx) => {
    needsApp(ctx)
    await dropFile(page, await makeScenePng(), 'scene.png')
    await page.waitForSelector('[data-testid=prediction]', { timeout: 90_000 })
    expect(await page.locator('[data-testid^=topk-]').count()).toBe(5)
    await page.waitForFunction(() => document.querySelector('[data-testid=viewer]')?.getAttribute('data-first-overlay-ms') !== '')
    const stats = await heatmapStats(page)
    expect(stats.opaque).toBeGreaterThan(1000)
    expect(stats.colours).toBeGreaterThan(20)
    expect(await page.textContent('[data-testid=heatmap-summary]')).toMatch(/most relevance is in/)
    await shot(page, '02-overlay')
  })

  it('changing the method changes the overlay pixels', async (ctx) => {
    needsApp(ctx)
    const before = await heatmapStats(page)
    const current = await page.inputValue('[data-testid=method-select]')
    const other = await page.$$eval('[data-testid=method-select] option', (os, cur) => os.map((o) => (o as HTMLOptionElement).value).find((v) => v !== cur && v.includes('rollout')) ?? '', current)
    await page.selectOption('[data-testid=method-select]', other)
    await page.waitForFunction((label) => document.querySelector('[data-testid=pane-title-0]')?.textContent?.includes(label) === true, await page.$eval(`[data-testid=method-select] option[value="${other}"]`, (o) => o.textContent?.split(' (')[0] ?? ''))
    const after = await heatmapStats(page)
    expect(after.opaque).toBeGreaterThan(1000)
    expect(meanAbsDiff(before.pixels, after.pixels)).toBeGreaterThan(2)
    await shot(page, '03-method-changed')
  })

  it('explains another class', async (ctx) => {
    needsApp(ctx)
    await page.selectOption('[data-testid=method-select]', 'mamba-attribution')
    const before = await page.textContent('[data-testid=explained-class]')
    const second = await page.textContent('[data-testid=topk-1] .topk-label')
    await page.click('[data-testid=topk-1] button')
    await page.waitForFunction((label) => document.querySelector('[data-testid=explained-class]')?.textContent === label, second, { timeout: 90_000 })
    expect(await page.textContent('[data-testid=explained-class]')).not.toBe(before)
    await shot(page, '04-class-changed')
  })

  it('opacity, colormap, threshold and contour change the overlay', async (ctx) => {
    needsApp(ctx)
    const base = await heatmapStats(page)
    await page.fill('[data-testid=opacity]', '100')
    const opaque = await heatmapStats(page)
    expect(meanAbsDiff(base.pixels, opaque.pixels)).toBeGreaterThan(1)
    await page.selectOption('[data-testid=colormap]', 'inferno')
    const inferno = await heatmapStats(page)
    expect(meanAbsDiff(opaque.pixels, inferno.pixels)).toBeGreaterThan(5)
    await shot(page, '05-opacity-inferno')
    await page.fill('[data-testid=threshold]', '50')
    const thresholded = await heatmapStats(page)
    expect(thresholded.opaque).toBeLessThan(inferno.opaque)
    await page.check('[data-testid=contour]')
    const contour = await heatmapStats(page)
    expect(contour.opaque).toBeLessThan(inferno.opaque)
    expect(contour.opaque).toBeGreaterThan(0)
    await shot(page, '06-threshold-contour')
    await page.uncheck('[data-testid=contour]')
    await page.fill('[data-testid=threshold]', '0')
    await page.selectOption('[data-testid=colormap]', 'viridis')
    await page.fill('[data-testid=opacity]', '60')
  })

  it('click a patch → the drill-down shows 24 layers × 2 directions', async (ctx) => {
    needsApp(ctx)
    const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
    if (box === null) throw new Error('no overlay pane')
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    expect(await page.textContent('[data-testid=hover-readout]')).toMatch(/rank \d+ of 196/)
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await page.waitForFunction(() => document.querySelector('[data-testid=drill-panel]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 })
    expect(await page.getAttribute('[data-testid=attention-grid]', 'data-layers')).toBe('24')
    expect(await page.locator('canvas[data-testid^=drill-to-]').count()).toBe(48)
    expect(await page.locator('canvas[data-testid^=drill-from-]').count()).toBe(48)
    expect(await page.isVisible('[data-testid=scan-strip]')).toBe(true)
    expect(await page.isVisible('[data-testid=profile-chart]')).toBe(true)
    // For a reader: the summary in words (1-based patches) and one colour scale for all thumbnails.
    expect(await page.textContent('[data-testid=drill-summary]')).toMatch(/^This patch looks (mostly at the .+; most of all row \d+, column \d+|at every other patch alike)\./)
    expect(Number(await page.getAttribute('[data-testid=thumb-scale]', 'data-max'))).toBeGreaterThan(0)
    await shot(page, '07-drilldown')
  })

  it('keyboard: arrows move the pinned patch, Esc clears; every control has a label', async (ctx) => {
    needsApp(ctx)
    const title = (): Promise<string | null> => page.textContent('#drill-title')
    const start = await title()
    await page.focus('[data-testid=overlay-pane-0]')
    await page.keyboard.press('ArrowRight')
    await page.waitForFunction((t) => document.querySelector('#drill-title')?.textContent !== t, start)
    const m = /row (\d+), column (\d+)/.exec((await title()) ?? '')
    const s = /row (\d+), column (\d+)/.exec(start ?? '')
    expect(Number(m?.[2])).toBe(Number(s?.[2]) + 1)
    await page.keyboard.press('ArrowDown')
    await page.waitForFunction(() => document.querySelector('[data-testid=drill-panel]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60_000 })
    await shot(page, '08-keyboard-moved')
    await page.keyboard.press('Escape')
    expect(await drillState()).toBe('idle')
    const unlabeled = await page.$$eval('button, select, input, [tabindex]', (els) =>
      els
        .filter((e) => {
          const el = e as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> | null }
          const named = (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') !== null || el.getAttribute('aria-labelledby') !== null || (el.textContent ?? '').trim() !== ''
          return !named
        })
        .map((e) => e.outerHTML.slice(0, 80)),
    )
    expect(unlabeled).toEqual([])
    const reached = new Set<string>()
    await page.focus('[data-testid=open-button]')
    for (let i = 0; i < 40; i++) {
      reached.add(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? ''))
      await page.keyboard.press('Tab')
    }
    for (const id of ['method-select', 'class-select', 'opacity', 'colormap', 'threshold', 'contour', 'overlay-pane-0']) expect(reached).toContain(id)
  })

  it('a long run shows progress and can be cancelled; the previous result stays', async (ctx) => {
    needsApp(ctx)
    const explained = await page.textContent('[data-testid=explained-class]')
    const runBefore = await page.getAttribute('[data-testid=model-input-panel]', 'data-run-id')
    const resultBefore = await page.getAttribute('[data-testid=heatmap-canvas-0]', 'data-result-key')
    await page.selectOption('[data-testid=class-select]', '999')
    await page.waitForSelector('[data-testid=progress]', { timeout: 10_000 })
    await shot(page, '09-progress')
    await page.click('[data-testid=cancel-run]')
    await page.waitForSelector('[data-testid=notice]')
    expect(await page.textContent('[data-testid=notice]')).toMatch(/cancelled/i)
    expect(await page.isVisible('[data-testid=progress]')).toBe(false)
    expect(await page.textContent('[data-testid=explained-class]')).toBe(explained)
    // The same run's map is still drawn (the toolbar may change height meanwhile, and a fitted view refits,
    // so the canvas pixels may move; which result is drawn may not).
    expect(await page.getAttribute('[data-testid=model-input-panel]', 'data-run-id')).toBe(runBefore)
    expect(await page.getAttribute('[data-testid=heatmap-canvas-0]', 'data-result-key')).toBe(resultBefore)
    expect(await page.getAttribute('[data-testid=heatmap-canvas-0]', 'data-heat-visible')).toBe('true')
    expect((await heatmapStats(page)).opaque).toBeGreaterThan(1000)
    await shot(page, '10-cancelled')
  })

  it('a corrupt file shows a clear error next to the image, and the app keeps working', async (ctx) => {
    needsApp(ctx)
    const before = await heatmapStats(page)
    await dropFile(page, makeCorruptPng(), 'broken.png')
    await page.waitForSelector('[data-testid=error-note]')
    const text = (await page.textContent('[data-testid=error-note]')) ?? ''
    expect(text).toContain('broken.png')
    expect(text).toMatch(/damaged|could not/i)
    expect(await page.getAttribute('[data-testid=error-note]', 'data-code')).toMatch(/^image\//)
    expect(meanAbsDiff(before.pixels, (await heatmapStats(page)).pixels)).toBe(0)
    await shot(page, '11-corrupt-error')
    await dropFile(page, await makeScenePng(300, 300, 2), 'second.png')
    await page.waitForFunction(() => document.querySelector('[data-testid=error-note]') === null, undefined, { timeout: 90_000 })
    await page.waitForFunction(() => document.querySelector('[data-testid=statusbar]')?.textContent?.includes('second.png') === true)
    await page.waitForFunction(() => document.querySelector('[data-testid=viewer]')?.getAttribute('data-first-overlay-ms') !== '', undefined, { timeout: 90_000 })
    expect((await heatmapStats(page)).opaque).toBeGreaterThan(1000)
    await shot(page, '12-recovered')
  })

  it('side-by-side comparison and "what the model saw" keep panes locked', async (ctx) => {
    needsApp(ctx)
    await page.check('[data-testid=compare-toggle]')
    await page.selectOption('[data-testid=compare-method]', 'raw-attention')
    await page.waitForSelector('[data-testid=heatmap-canvas-1]')
    await page.waitForFunction(() => document.querySelector('[data-testid=pane-title-1]')?.textContent !== '')
    expect((await heatmapStats(page, 1)).opaque).toBeGreaterThan(500)
    await shot(page, '13-compare')
    await page.click('[data-testid=model-view-toggle]')
    expect(await page.getAttribute('[data-testid=model-view-toggle]', 'aria-pressed')).toBe('true')
    await shot(page, '14-model-view')
    await page.click('[data-testid=model-view-toggle]')
    await page.uncheck('[data-testid=compare-toggle]')
  })
})
