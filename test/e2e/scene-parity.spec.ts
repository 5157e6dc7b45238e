// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * One scene for screen and figure (issue 15 item 5), pixel for pixel: browser mode, real engine, conformance
 * model. The picture with its heat map as the viewer paints it (a screenshot of the pane, annotations hidden)
 * is compared with the image panel of the exported PNG figure, both brought to the figure panel's size.
 * Resampling differs (Konva scales on the GPU-less canvas, the figure composes at the picture's resolution
 * and then resizes), so the check is a tolerance, and a control shows the tolerance is tight: the bare
 * picture, without its heat map, is far from both.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { ARTIFACTS, dropFile, appForSpec, needsApp, skipReason } from './harness'
import { exportAndReceive } from './downloads'
import { makeScenePng } from './images'

const reason = skipReason()
let page: Page

interface Rgb { readonly width: number; readonly height: number; readonly data: Buffer }

async function rgbAt(input: Buffer | string, width: number, height: number, region?: { left: number; top: number; width: number; height: number }): Promise<Rgb> {
  let img = sharp(input).removeAlpha()
  if (region !== undefined) img = img.extract(region)
  const data = await img.resize(width, height, { fit: 'fill', kernel: 'linear' }).raw().toBuffer()
  return { width, height, data }
}

/** Mean absolute difference per channel (8-bit units) and the share of pixels off by more than 24 in some channel. */
function compare(a: Rgb, b: Rgb): { mean: number; farShare: number } {
  let sum = 0
  let far = 0
  for (let p = 0; p < a.width * a.height; p++) {
    let worst = 0
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[p * 3 + c]! - b.data[p * 3 + c]!)
      sum += d
      worst = Math.max(worst, d)
    }
    if (worst > 24) far++
  }
  return { mean: sum / (a.width * a.height * 3), farShare: far / (a.width * a.height) }
}

/** Attribute `name` of the SVG's first element with data-role `role`. */
function svgAttr(svg: string, role: string, name: string): string {
  const el = new RegExp(`<image [^>]*data-role="${role}"[^>]*>`).exec(svg)?.[0] ?? ''
  const v = new RegExp(` ${name}="([^"]*)"`).exec(el)?.[1]
  if (v === undefined) throw new Error(`no ${name} on the ${role} image of the SVG`)
  return v
}

describe('screen and figure draw one scene (browser mode, end to end)', () => {
  appForSpec(reason, (p) => { page = p })

  it('the overlay on screen matches the exported figure panel within resampling tolerance', async (ctx) => {
    needsApp(ctx)
    await dropFile(page, await makeScenePng(), 'scene.png')
    await page.waitForFunction(() => document.querySelector('[data-testid=heatmap-canvas-0]')?.getAttribute('data-heat-visible') === 'true', undefined, { timeout: 150_000 })
    await page.waitForSelector('[data-testid=progress]', { state: 'detached', timeout: 150_000 })
    // No hover outline, no corner text over the picture: only the scene's own layers.
    await page.mouse.move(1, 1)
    // Through the CSSOM: the page's CSP (rightly) refuses an injected style sheet.
    await page.$$eval('.pane-annotations', (els) => els.forEach((e) => void ((e as HTMLElement).style.visibility = 'hidden')))
    const canvas = page.locator('[data-testid=heatmap-canvas-0]')
    const [scale, vx, vy] = ((await canvas.getAttribute('data-viewport')) ?? '').split(',').map(Number) as [number, number, number]
    const [pw, ph] = ((await canvas.getAttribute('data-picture-size')) ?? '').split('x').map(Number) as [number, number]
    const box = await canvas.boundingBox()
    if (box === null) throw new Error('no heat canvas')
    // The picture as fitted lies wholly inside the pane: its screen rectangle.
    const clip = { x: box.x + vx, y: box.y + vy, width: pw * scale, height: ph * scale }
    expect(clip.x).toBeGreaterThanOrEqual(box.x - 0.5)
    expect(clip.x + clip.width).toBeLessThanOrEqual(box.x + box.width + 0.5)
    const screen = await page.screenshot({ clip })
    // The colour bar beside it shows its colours and keeps its captions inside the viewer (squeezed, its ramp once
    // collapsed to a line and its name ran into the sidebar).
    const boxOf = async (sel: string) => (await page.locator(sel).boundingBox())!
    const ramp = await boxOf('[data-testid=colorbar-0] .colorbar-ramp')
    const bar = await boxOf('[data-testid=colorbar-0]')
    const scaleNote = await boxOf('[data-testid=colorbar-scale-0]')
    const viewer = await boxOf('[data-testid=viewer]')
    expect(ramp.width).toBeGreaterThanOrEqual(14)
    expect(scaleNote.x + scaleNote.width).toBeLessThanOrEqual(bar.x + bar.width + 0.5)
    expect(bar.x + bar.width).toBeLessThanOrEqual(viewer.x + viewer.width)

    await page.click('[data-testid=export-button]')
    await page.waitForSelector('[data-testid=export-dialog]:not([hidden])')
    await page.check('[data-testid=export-format-svg]')
    // Browser mode: the figure comes back as a download (a ZIP of its files).
    const { files } = await exportAndReceive(page)
    const names = [...files.keys()]
    const png = files.get(names.find((n) => n.endsWith('.png') && !n.includes('@'))!)!
    const svg = files.get(names.find((n) => n.endsWith('.svg'))!)!.toString('utf8')
    // The panel's place in the 1× figure, as the SVG (same layout) states it.
    const [left, top, width, height] = ['x', 'y', 'width', 'height'].map((k) => Math.round(Number(svgAttr(svg, 'picture', k)))) as [number, number, number, number]
    const figurePanel = await rgbAt(png, width, height, { left, top, width, height })
    const onScreen = await rgbAt(screen, width, height)
    const bare = await rgbAt(Buffer.from(svgAttr(svg, 'picture', 'href').replace(/^data:image\/png;base64,/, ''), 'base64'), width, height)

    const same = compare(onScreen, figurePanel)
    const control = compare(bare, figurePanel)
    console.log(`scene parity: screen ${clip.width.toFixed(0)}×${clip.height.toFixed(0)} vs figure panel ${width}×${height}: mean |Δ| ${same.mean.toFixed(2)}, ${(100 * same.farShare).toFixed(2)} % of pixels off by > 24; bare picture: mean |Δ| ${control.mean.toFixed(2)}`)
    await sharp(screen).toFile(join(ARTIFACTS, '60-scene-parity-screen.png'))
    writeFileSync(join(ARTIFACTS, '61-scene-parity-figure.png'), png)
    expect(same.mean).toBeLessThan(4)
    // The pixels that differ more lie on the sharp edges of the disc and square, where the two resamplings part most.
    expect(same.farShare).toBeLessThan(0.02)
    // The heat map moves the picture a lot, so the tolerance above could not be met without it.
    expect(control.mean).toBeGreaterThan(5 * same.mean)
  })
})
