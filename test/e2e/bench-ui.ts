// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * `npm run bench:ui`: drop → first overlay and click → drill-down panel, measured in the page (browser mode,
 * real engine, conformance model, headless Chromium). Writes artifacts/bench/ui.json. Each number is split
 * into the total the user waits and the page's own part (after main's answer arrived), because the budget
 * (≤ 2 s, ≤ 50 ms) is the user's and the two parts have different owners.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { dropFile, launchChromium, ROOT, skipReason, startWebApp } from './harness'
import { makeScenePng } from './images'

const DROPS = Number(process.env.BENCH_DROPS ?? 5)
const CLICKS = Number(process.env.BENCH_CLICKS ?? 12)

const attr = async (page: Page, sel: string, name: string): Promise<number> => Number(await page.getAttribute(sel, name))
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!
  return { n: s.length, min: s[0]!, median: q(0.5), p90: q(0.9), max: s[s.length - 1]! }
}
const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]))

async function dropAndWait(page: Page, seed: number): Promise<{ total: number; page: number }> {
  await page.evaluate(() => document.querySelector('[data-testid=viewer]')?.setAttribute('data-first-overlay-ms', ''))
  await dropFile(page, await makeScenePng(320 + seed, 240, seed), `bench-${seed}.png`)
  await page.waitForFunction(() => (document.querySelector('[data-testid=viewer]')?.getAttribute('data-first-overlay-ms') ?? '') !== '', undefined, { timeout: 180_000 })
  return { total: await attr(page, '[data-testid=viewer]', 'data-first-overlay-ms'), page: await attr(page, '[data-testid=viewer]', 'data-overlay-render-ms') }
}

const BACKGROUND_SETTLE_MS = 8000

async function clickAndWait(page: Page, fx: number, fy: number): Promise<{ total: number; page: number }> {
  const before = await page.getAttribute('[data-testid=drill-panel]', 'data-update-ms')
  const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
  if (box === null) throw new Error('no overlay pane')
  await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy)
  await page.waitForFunction(
    (prev) => {
      const el = document.querySelector('[data-testid=drill-panel]')
      return el?.getAttribute('data-state') === 'ready' && (el.getAttribute('data-update-ms') ?? '') !== (prev ?? '')
    },
    before,
    { timeout: 120_000 },
  )
  return { total: await attr(page, '[data-testid=drill-panel]', 'data-update-ms'), page: await attr(page, '[data-testid=drill-panel]', 'data-render-ms') }
}

async function main(): Promise<void> {
  const reason = skipReason()
  if (reason !== null) {
    console.log(`bench:ui skipped: ${reason}`)
    return
  }
  const app = await startWebApp()
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } })
    await page.goto(app.url)
    await page.waitForSelector('[data-testid=method-select] option', { state: 'attached' })
    const cold = await dropAndWait(page, 1)
    const coldClick = await clickAndWait(page, 0.5, 0.5)
    const overlay: { total: number; page: number }[] = []
    const drillFirst: { total: number; page: number }[] = []
    const drill: { total: number; page: number }[] = []
    for (let i = 0; i < DROPS; i++) {
      overlay.push(await dropAndWait(page, 10 + i))
      // The first click after a run meets the engine's background attention matrices still running (finished
      // layers are looked up, the rest computed from the factors). Steady-state clicks are measured after
      // the background is done: the engine bench puts "run end → last piece" at ≈3 s on an idle VM.
      drillFirst.push(await clickAndWait(page, 0.5, 0.5))
      await page.waitForTimeout(BACKGROUND_SETTLE_MS)
      for (let k = 0; k < CLICKS / DROPS; k++) drill.push(await clickAndWait(page, 0.3 + ((k * 0.13) % 0.4), 0.3 + ((k * 0.29) % 0.4)))
    }
    const result = {
      date: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30) },
      mode: 'browser (headless Debian Chromium, --disable-gpu)',
      provider: await page.getAttribute('[data-provider]', 'data-provider'),
      model: 'models/vim-tiny-conformance.onnx',
      budget: { firstOverlayMs: 2000, drillUpdateMs: 50 },
      coldStart: { firstOverlayMs: cold.total, firstClickMs: coldClick.total },
      dropToFirstOverlayMs: round(stats(overlay.map((o) => o.total))),
      dropToFirstOverlayPagePartMs: round(stats(overlay.map((o) => o.page))),
      firstClickAfterRunMs: round(stats(drillFirst.map((o) => o.total))),
      clickToDrilldownMs: round(stats(drill.map((o) => o.total))),
      clickToDrilldownPagePartMs: round(stats(drill.map((o) => o.page))),
    }
    const dir = join(ROOT, 'artifacts', 'bench')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'ui.json'), JSON.stringify(result, null, 2) + '\n')
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await browser.close()
    await app.stop()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
