// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * The same flow in the real desktop shell through Playwright's `_electron` (netron's desktop.spec.js).
 * Runs where Electron's binary is installed and the app is built (`npm run build`); elsewhere it is reported
 * as skipped with the reason. On Linux CI without a display, run it under `xvfb-run`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { _electron, type ElectronApplication } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { dropFile, heatmapStats, MODEL_FILE, ROOT, shot } from './harness'
import { makeCorruptPng, makeScenePng } from './images'

/** Electron's executable without `require('electron')`, which would try to download it. */
function electronExecutable(): { exe: string } | { reason: string } {
  const pkg = join(ROOT, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return { reason: "Electron's binary is not installed on this machine (node_modules/electron/path.txt missing)" }
  const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'), readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? { exe } : { reason: `Electron's binary is missing (${exe})` }
}

function skipReason(): string | null {
  const e = electronExecutable()
  if ('reason' in e) return e.reason
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js')) || !existsSync(join(ROOT, 'out', 'preload', 'index.cjs'))) return 'the app is not built; run `npm run build` first'
  if (!existsSync(MODEL_FILE)) return `conformance model missing (${MODEL_FILE})`
  return null
}

let app: ElectronApplication | null = null

describe('Electron desktop app (Playwright _electron)', () => {
  afterAll(async () => {
    await app?.close()
  })

  it('drop → prediction and overlay; drill-down; corrupt file; hardened window', async (ctx) => {
    const reason = skipReason()
    ctx.skip(reason !== null, reason ?? '')
    const e = electronExecutable()
    if (!('exe' in e)) return
    app = await _electron.launch({ executablePath: e.exe, args: [ROOT], env: { ...process.env, MAMBA_LENS_LOG: 'debug' } })
    const page = await app.firstWindow()
    // The page has no Node, sees only the contract's API, cannot navigate away and cannot open windows.
    const env = await page.evaluate(() => {
      const w = window as unknown as { require?: unknown; process?: unknown; api?: Record<string, unknown> }
      const opened = window.open('https://example.com')
      return { require: typeof w.require, process: typeof w.process, api: Object.keys(w.api ?? {}).sort(), opened: opened === null }
    })
    expect(env).toMatchObject({ require: 'undefined', process: 'undefined', opened: true })
    expect(env.api).toContain('runExplain')
    const url = page.url()
    // The page has its own origin (app://, not file://) and cannot read local files.
    expect(url).toBe('app://mamba-lens/index.html')
    expect(await page.evaluate(async () => fetch('file:///etc/hostname').then(() => 'read', () => 'refused'))).toBe('refused')
    await page.evaluate(() => void (window.location.href = 'https://example.com/'))
    await page.waitForTimeout(500)
    expect(page.url()).toBe(url)
    // Inspection only (app.evaluate is for setup and checks, never for driving the UI): one window.
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
    await page.waitForSelector('[data-testid=method-select] option', { state: 'attached', timeout: 60_000 })
    await dropFile(page, await makeScenePng(), 'scene.png')
    await page.waitForSelector('[data-testid=prediction]', { timeout: 120_000 })
    expect((await heatmapStats(page)).opaque).toBeGreaterThan(1000)
    await shot(page, 'electron-01-overlay')
    const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
    if (box === null) throw new Error('no overlay pane')
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await page.waitForFunction(() => document.querySelector('[data-testid=drill-panel]')?.getAttribute('data-state') === 'ready', undefined, { timeout: 120_000 })
    expect(await page.locator('canvas[data-testid^=drill-to-]').count()).toBe(48)
    await shot(page, 'electron-02-drilldown')
    await dropFile(page, makeCorruptPng(), 'broken.png')
    await page.waitForSelector('[data-testid=error-note]')
    expect((await heatmapStats(page)).opaque).toBeGreaterThan(1000)
    await shot(page, 'electron-03-error')
  })
})
