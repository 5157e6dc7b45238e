// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * Starts browser mode exactly as `npm run web` does (the real engine and the conformance model) and a
 * headless Debian Chromium against it. The e2e specs drive the page through `data-testid`s only.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, type TestContext } from 'vitest'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const MODEL_FILE = join(ROOT, 'models', 'vim-tiny-conformance.onnx')
export const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html')
export const ARTIFACTS = join(ROOT, 'artifacts', 'e2e')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Why the browser-mode e2e cannot run here, or null when it can. */
export function skipReason(): string | null {
  if (!existsSync(MODEL_FILE)) return `conformance model missing (${MODEL_FILE}); build it with \`node scripts/conformance-model.mjs\` (needs ../shared/conformance)`
  if (!existsSync(RENDERER_INDEX)) return 'renderer not built; run `npx vite build --config renderer/vite.config.ts` (npm run e2e does it)'
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`
  return null
}

/** First line of an e2e test: skips it, with the reason, where the app cannot run here. */
export function needsApp(ctx: TestContext): void {
  const reason = skipReason()
  ctx.skip(reason !== null, reason ?? '')
}

export interface WebApp {
  readonly url: string
  readonly process: ChildProcess
  stop(): Promise<void>
}

/**
 * A models folder holding only the conformance model (links to models/vim-tiny-conformance.*). The specs
 * assert its shape (1000 classes, top-5, 24 layers), so they must not follow whichever card in models/ is
 * marked default today.
 */
function conformanceModelsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mamba-e2e-models-'))
  for (const f of ['vim-tiny-conformance.json', 'vim-tiny-conformance.onnx', 'vim-tiny-conformance.matrices.onnx', 'vim-tiny-conformance.gpu.onnx']) {
    if (existsSync(join(ROOT, 'models', f))) symlinkSync(join(ROOT, 'models', f), join(dir, f))
  }
  return dir
}

/** `node --import tsx main/app/web-main.ts`, resolved when it prints its URL. `env` adds variables (e.g. the export folder). */
export async function startWebApp(timeoutMs = 60_000, env: Readonly<Record<string, string>> = {}): Promise<WebApp> {
  const modelsDir = conformanceModelsDir()
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main/app/web-main.ts')], {
    cwd: ROOT,
    env: { ...process.env, MAMBA_LENS_PORT: '0', MAMBA_LENS_LOG: 'debug', MAMBA_LENS_MODELS_DIR: modelsDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  mkdirSync(ARTIFACTS, { recursive: true })
  // The server's log is a CI artifact too: when a step times out, it says what main was doing.
  const log = createWriteStream(join(ARTIFACTS, 'server.log'), { flags: 'a' })
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
    log.write(d)
  })
  child.once('exit', () => {
    log.end()
    rmSync(modelsDir, { recursive: true, force: true })
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web app did not start in ${timeoutMs} ms:\n${stderr}`)), timeoutMs)
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /MAMBA_LENS_URL (\S+)/.exec(out)
      if (m?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`web app exited (${code}):\n${stderr}`))
    })
  })
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const kill = setTimeout(() => child.kill('SIGKILL'), 8000)
        child.once('exit', () => {
          clearTimeout(kill)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
}

/** Starts browser mode, launches Chromium and opens the app, ready once the method list is filled. */
export async function openApp(env: Readonly<Record<string, string>> = {}): Promise<{ app: WebApp; browser: Browser; page: Page }> {
  const app = await startWebApp(60_000, env)
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } })
  page.on('pageerror', (e) => console.error('page error:', e.message))
  await page.goto(app.url)
  await page.waitForSelector('[data-testid=method-select] option', { state: 'attached' })
  return { app, browser, page }
}

/**
 * One app for a spec file: opened before its tests (unless `reason` skips them), handed to `ready` (which keeps the
 * page and may act on it first), closed after them.
 */
export function appForSpec(reason: string | null, ready: (page: Page) => void | Promise<void>, env: Readonly<Record<string, string>> = {}): void {
  let opened: { app: WebApp; browser: Browser } | null = null
  beforeAll(async () => {
    if (reason !== null) return
    const { app, browser, page } = await openApp(env)
    opened = { app, browser }
    await ready(page)
  })
  afterAll(async () => {
    await opened?.browser.close()
    await opened?.app.stop()
  })
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/** Drops `bytes` as a file on the viewer, as a user dragging from the file manager would. */
export async function dropFile(page: Page, bytes: Buffer, name: string, type = 'image/png'): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ b64, fileName, mime }) => {
      const bin = atob(b64)
      const data = new Uint8Array(bin.length)
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i)
      const dt = new DataTransfer()
      dt.items.add(new File([data], fileName, { type: mime }))
      return dt
    },
    { b64: bytes.toString('base64'), fileName: name, mime: type },
  )
  await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer })
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer })
}

/** Pixel statistics of the heatmap layer's own canvas: proves it is not blank and lets tests compare states. */
export async function heatmapStats(page: Page, pane = 0): Promise<{ opaque: number; colours: number; hash: number; pixels: number[] }> {
  return page.$eval(`[data-testid=heatmap-canvas-${pane}]`, (el) => {
    const c = el as HTMLCanvasElement
    const ctx = c.getContext('2d')
    if (ctx === null) return { opaque: 0, colours: 0, hash: 0, pixels: [] }
    const d = ctx.getImageData(0, 0, c.width, c.height).data
    let opaque = 0
    let hash = 0
    const colours = new Set<number>()
    const pixels: number[] = []
    const step = Math.max(1, Math.floor(d.length / 4 / 4096))
    for (let p = 0; p < d.length / 4; p += step) {
      const i = p * 4
      if (d[i + 3]! > 0) opaque++
      colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!)
      hash = (hash * 31 + d[i]! + 7 * d[i + 1]! + 13 * d[i + 2]! + 17 * d[i + 3]!) >>> 0
      pixels.push(d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!)
    }
    return { opaque, colours: colours.size, hash, pixels }
  })
}

/** Mean absolute difference of two samples from {@link heatmapStats}, in 8-bit units. */
export function meanAbsDiff(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length)
  let s = 0
  for (let i = 0; i < n; i++) s += Math.abs(a[i]! - b[i]!)
  return n === 0 ? 0 : s / n
}

/** Sampled RGBA of any canvas on the page (the model-input thumbnail, a heatmap layer), for before/after comparisons. */
export async function canvasPixels(page: Page, selector: string): Promise<number[]> {
  return page.$eval(selector, (el) => {
    const c = el as HTMLCanvasElement
    const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
    if (d === undefined) return []
    const out: number[] = []
    const step = Math.max(1, Math.floor(d.length / 4 / 4096))
    for (let p = 0; p < d.length / 4; p += step) out.push(d[p * 4]!, d[p * 4 + 1]!, d[p * 4 + 2]!, d[p * 4 + 3]!)
    return out
  })
}
