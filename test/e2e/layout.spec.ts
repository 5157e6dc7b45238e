// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * Layout as a new user meets it (issue 15), browser mode, real engine and conformance model, at 1440×900 and
 * 1280×720: the first image of the session is fitted inside its pane once the colour bar is there (no
 * column hidden under it); a window resize fits again; side by side, each pane shows the whole image; a
 * pinned patch (the drill-down) never makes the page scroll sideways. "Fitted" is read from the viewport
 * the canvas was drawn with: the whole picture inside the pane, touching it (within the margin) on one axis.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { dropFile, launchChromium, needsApp, shot, skipReason, startWebApp, type WebApp } from './harness'
import { makeScenePng } from './images'

const reason = skipReason()
let app: WebApp | null = null
let browser: Browser | null = null
let page: Page | null = null

/** Where pane `i`'s picture sits, from the drawn viewport, against the pane's own size (CSS px). */
async function placement(p: Page, i: number): Promise<{ left: number; top: number; right: number; bottom: number; paneW: number; paneH: number }> {
  return p.$eval(`[data-testid=heatmap-canvas-${i}]`, (c, idx) => {
    const [scale, x, y] = (c.getAttribute('data-viewport') ?? '1,0,0').split(',').map(Number) as [number, number, number]
    const [w, h] = (c.getAttribute('data-picture-size') ?? '0x0').split('x').map(Number) as [number, number]
    const pane = document.querySelector(`[data-testid=overlay-pane-${idx}]`)?.getBoundingClientRect()
    return { left: x, top: y, right: x + w * scale, bottom: y + h * scale, paneW: pane?.width ?? 0, paneH: pane?.height ?? 0 }
  }, i)
}

/** The whole picture inside the pane, and as large as the fit makes it (touching within the 8 px margin, ±1.5 px). */
async function expectFitted(p: Page, i: number): Promise<void> {
  const r = await placement(p, i)
  expect(r.left).toBeGreaterThanOrEqual(-0.5)
  expect(r.top).toBeGreaterThanOrEqual(-0.5)
  expect(r.right).toBeLessThanOrEqual(r.paneW + 0.5)
  expect(r.bottom).toBeLessThanOrEqual(r.paneH + 0.5)
  const slackX = r.paneW - (r.right - r.left)
  const slackY = r.paneH - (r.bottom - r.top)
  expect(Math.min(slackX, slackY)).toBeLessThanOrEqual(16 + 1.5)
}

async function expectNoSidewaysScroll(p: Page): Promise<void> {
  const { scrollW, innerW, wide } = await p.evaluate(() => ({
    scrollW: document.documentElement.scrollWidth,
    innerW: window.innerWidth,
    // What sticks out, named for the failure message.
    wide: Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 6)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
  }))
  expect(scrollW, wide.join('; ')).toBeLessThanOrEqual(innerW)
}

async function explained(p: Page): Promise<void> {
  await p.waitForFunction(() => {
    const c = document.querySelector('[data-testid=heatmap-canvas-0]')
    return c?.getAttribute('data-heat-visible') === 'true' && document.querySelector('[data-testid=progress]') === null
  }, undefined, { timeout: 150_000 })
}

describe('layout: fit and no sideways scroll (browser mode, end to end)', () => {
  afterEach(async () => {
    await browser?.close()
    await app?.stop()
    browser = null
    app = null
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  for (const [width, height] of [[1440, 900], [1280, 720]] as const) {
    it(`${width}×${height}: first load fitted, re-fitted on resize, side by side fitted per pane, no sideways scroll`, async (ctx) => {
      ctx.skip(reason !== null, reason ?? '')
      needsApp(ctx)
      app = await startWebApp()
      browser = await launchChromium()
      page = await browser.newPage({ viewport: { width, height } })
      await page.goto(app.url)
      await page.waitForSelector('[data-testid=method-select] option', { state: 'attached' })
      // The first image of the session, wide like a CT row: the colour bar arrives with the result.
      await dropFile(page, await makeScenePng(512, 300, 3), 'wide.png')
      await explained(page)
      await expectFitted(page, 0)
      await expectNoSidewaysScroll(page)
      await shot(page, `60-layout-${width}-first-load`)

      await page.setViewportSize({ width: width - 200, height: height - 100 })
      await page.waitForTimeout(300)
      await expectFitted(page, 0)
      await page.setViewportSize({ width, height })
      await page.waitForTimeout(300)
      await expectFitted(page, 0)

      await page.check('[data-testid=compare-toggle]')
      await page.waitForSelector('[data-testid=heatmap-canvas-1]', { state: 'attached' })
      await explained(page)
      await page.waitForTimeout(300)
      await expectFitted(page, 0)
      await expectFitted(page, 1)
      await shot(page, `61-layout-${width}-side-by-side`)

      // Pin a patch: the drill-down fills in; the page still fits the window's width.
      const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
      if (box === null) throw new Error('no overlay pane')
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
      await page.waitForSelector('[data-testid=drill-panel][data-state=ready]', { timeout: 150_000 })
      await expectNoSidewaysScroll(page)
      await shot(page, `62-layout-${width}-pinned`)
    })
  }
})
