// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * Frames of a colour cine like a viewer (issue 15), browser mode, real engine and conformance model: the
 * 30-frame YBR_FULL_422 ultrasound from ../shared/data/dicom gets a frame control; fast Page Down presses,
 * Home / End, Page Up and wheel notches all arrive (no dropped step); the corner text names frame, W/L-less
 * colour and zoom; a frame explained before comes from the cache (same run, no model run); cine play moves
 * on by itself. Throughout, a sampler in the page reads the heatmap canvas's own pixels: a map drawn while
 * the shown image is another frame than its result's would be a stale map, and none may ever be seen.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { dropFile, appForSpec, needsApp, ROOT, shot, skipReason } from './harness'

const CINE = join(ROOT, '..', 'shared', 'data', 'dicom', 'examples_ybr_color.dcm')
const reason = skipReason() ?? (existsSync(CINE) ? null : `test data missing (${CINE}): the 30-frame YBR cine of ../shared/data/dicom`)
let page: Page

/** Frame (1-based) of a model-input key: main's key lists the mapping, frameIndex among it. */
const FRAME_OF_KEY = (key: string): number => {
  const m = /"frameIndex",(\d+)/.exec(key)
  return m === null ? -1 : Number(m[1]) + 1
}

/** Waits until frame `n` (1-based) is shown with its own heat map drawn; returns the run id shown. */
async function waitForFrameExplained(n: number): Promise<string> {
  await page.waitForFunction((want) => {
    const c = document.querySelector('[data-testid=heatmap-canvas-0]')
    const key = c?.getAttribute('data-image-key') ?? ''
    const m = /"frameIndex",(\d+)/.exec(key)
    return m !== null && Number(m[1]) + 1 === want && c?.getAttribute('data-heat-visible') === 'true' &&
      c.getAttribute('data-result-key') === key && document.querySelector('[data-testid=progress]') === null
  }, n, { timeout: 150_000 })
  return (await page.getAttribute('[data-testid=model-input-panel]', 'data-run-id')) ?? ''
}

/**
 * Starts a sampler (every animation frame and every 5 ms) of the heatmap canvas: its opaque pixels, the
 * image key it is over and the result key it was drawn for. A sample with pixels and unequal keys is a stale map.
 */
async function startStaleSampler(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { staleLog: { samples: number; stale: string[]; frames: number[] } }
    w.staleLog = { samples: 0, stale: [], frames: [] }
    const sample = (): void => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid=heatmap-canvas-0]')
      if (c === null) return
      const ctx = c.getContext('2d')
      const d = ctx?.getImageData(0, 0, c.width, c.height).data
      if (d === undefined) return
      let opaque = 0
      for (let i = 3; i < d.length; i += 4 * 97) if (d[i]! > 0) opaque++
      const img = c.getAttribute('data-image-key') ?? ''
      const res = c.getAttribute('data-result-key') ?? ''
      const m = /"frameIndex",(\d+)/.exec(img)
      const f = m === null ? -1 : Number(m[1]) + 1
      if (w.staleLog.frames[w.staleLog.frames.length - 1] !== f) w.staleLog.frames.push(f)
      w.staleLog.samples++
      if (opaque > 0 && img !== res) w.staleLog.stale.push(`${img} ≠ ${res}`)
    }
    const onFrame = (): void => {
      sample()
      requestAnimationFrame(onFrame)
    }
    requestAnimationFrame(onFrame)
    setInterval(sample, 5)
  })
}

const staleLog = (): Promise<{ samples: number; stale: string[]; frames: number[] }> =>
  page.evaluate(() => (window as unknown as { staleLog: { samples: number; stale: string[]; frames: number[] } }).staleLog)

describe('colour cine, frames by keys, wheel and cine play (browser mode, end to end)', () => {
  appForSpec(reason, (p) => { page = p })

  it('30-frame YBR cine: frame control, keys without dropped steps, no stale map, cached frames, wheel, cine', async (ctx) => {
    ctx.skip(reason !== null, reason ?? '')
    needsApp(ctx)
    await dropFile(page, readFileSync(CINE), 'cine.dcm', 'application/dicom')
    const firstRun = await waitForFrameExplained(1)
    expect(await page.textContent('[data-testid=frame-label]')).toBe('Frame 1 of 30')
    const corner = page.locator('[data-testid=corner-text]')
    expect(await corner.textContent()).toMatch(/Frame 1\/30.*Zoom \d+ %/)
    // A colour image has no window: the corner text says none.
    expect(await corner.textContent()).not.toMatch(/^W /)
    await startStaleSampler()

    // Five quick presses, no waiting between them: all five count (issue 15 saw 5 presses move 3 frames).
    await page.locator('[data-testid=overlay-pane-0]').focus()
    for (let i = 0; i < 5; i++) await page.keyboard.press('PageDown')
    expect(await page.textContent('[data-testid=frame-label]')).toBe('Frame 6 of 30')
    await shot(page, '50-cine-stepping')
    const run6 = await waitForFrameExplained(6)
    expect(run6).not.toBe(firstRun)
    expect(await corner.getAttribute('data-frame')).toBe('6')
    await shot(page, '51-cine-frame-6')

    await page.keyboard.press('End')
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageUp')
    await waitForFrameExplained(27)
    expect(await page.textContent('[data-testid=frame-label]')).toBe('Frame 27 of 30')

    // Back to frame 1: its result is cached, so the first run is shown again and the model is not run.
    await page.keyboard.press('Home')
    const t0 = Date.now()
    expect(await waitForFrameExplained(1)).toBe(firstRun)
    const cachedMs = Date.now() - t0

    // The wheel steps frames by default (Ctrl + wheel zooms): three notches down are three frames.
    const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
    if (box === null) throw new Error('no overlay pane')
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    const zoomBefore = await corner.textContent()
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 100)
    await waitForFrameExplained(4)
    expect((await corner.textContent())?.match(/Zoom \d+ %/)?.[0]).toBe(zoomBefore?.match(/Zoom \d+ %/)?.[0])

    // Cine play moves on by itself; stopping explains the frame it stopped on.
    await page.click('[data-testid=cine-play]')
    await page.waitForFunction(() => {
      const f = Number(document.querySelector('[data-testid=corner-text]')?.getAttribute('data-frame'))
      return f >= 8
    }, undefined, { timeout: 30_000 })
    await page.click('[data-testid=cine-play]')
    // The slider holds the frame the steps were heading to when the cine stopped.
    const stopped = Number(await page.inputValue('[data-testid=frame]')) + 1
    await waitForFrameExplained(stopped)
    await shot(page, '52-cine-stopped')

    const log = await staleLog()
    console.log(`stale sampler: ${log.samples} samples, frames seen ${log.frames.join(' ')}; cached frame shown in ${cachedMs} ms`)
    expect(log.samples).toBeGreaterThan(100)
    expect(log.stale).toEqual([])
    // The sampler saw the screen pass through the frames (the image changed under the map many times).
    expect(log.frames.length).toBeGreaterThan(4)
    expect(FRAME_OF_KEY((await page.getAttribute('[data-testid=heatmap-canvas-0]', 'data-image-key')) ?? '')).toBe(stopped)
  })
})
