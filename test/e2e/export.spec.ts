// Callbacks passed to page.evaluate run in the browser, so this file needs the DOM types.
/// <reference lib="dom" />
/**
 * Figure export in browser mode, real engine and conformance model: explain an image made by our code,
 * export PNG + SVG + PDF; the browser receives them as one download (a ZIP of exactly the files the app
 * reports), the PNG carries the provenance (iTXt, read back with the independent chunk reader), the PDF is a
 * PDF. Then a single PNG as a download of its own, the side-by-side comparison as one figure, a CT figure's
 * 1-based patch, colour bar, window and scale bar, and the dialog by keyboard.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { PNG_PROVENANCE_KEY } from '../../main/adapters/export'
import { parseProvenance } from '../../main/core/export/provenance'
import { pngItxt } from '../main/adapters/export/readers'
import dicomParser from 'dicom-parser'
import { FAKE_PATIENT, SOP, makeDicom, phantom } from '../fixtures/dicom-gen/make-dicom'
import { ctDicom } from './ct-dicom'
import { exportAndReceive } from './downloads'
import { ARTIFACTS, dropFile, appForSpec, needsApp, shot, skipReason } from './harness'
import { makeScenePng } from './images'

const reason = skipReason()
let page: Page


/** The file names the dialog's report lists. */
function reportedNames(): Promise<string[]> {
  return page.$$eval('[data-testid=export-file]', (els) => els.map((e) => e.getAttribute('data-name') ?? ''))
}

function provenanceOf(png: Buffer): ReturnType<typeof parseProvenance> {
  const text = pngItxt(new Uint8Array(png)).get(PNG_PROVENANCE_KEY)
  if (text === undefined) throw new Error('no provenance in the PNG')
  return parseProvenance(text)
}

/** The one file of `files` whose name ends with `suffix`. */
function fileEnding(files: ReadonlyMap<string, Buffer>, suffix: string): [string, Buffer] {
  const hits = [...files].filter(([n]) => n.endsWith(suffix))
  if (hits.length !== 1) throw new Error(`expected one *${suffix} in ${[...files.keys()].join(', ')}`)
  return hits[0]!
}

describe('figure export (browser mode, end to end)', () => {
  appForSpec(reason, (p) => { page = p })

  it('exports PNG + SVG + PDF of the explained image; the files, names, provenance and report agree', async (ctx) => {
    needsApp(ctx)
    await dropFile(page, await makeScenePng(), 'scene.png')
    await page.waitForSelector('[data-testid=prediction]', { timeout: 120_000 })
    await page.waitForFunction(() => document.querySelector('[data-testid=viewer]')?.getAttribute('data-first-overlay-ms') !== '', undefined, { timeout: 120_000 })
    const methodId = await page.inputValue('[data-testid=method-select]')
    await page.click('[data-testid=export-button]')
    await page.waitForSelector('[data-testid=export-dialog]:not([hidden])')
    expect(await page.isChecked('[data-testid=export-format-png1]')).toBe(true)
    await page.check('[data-testid=export-format-svg]')
    await page.check('[data-testid=export-format-pdf]')
    await page.fill('[data-testid=export-caption]', 'Synthetic scene made by the e2e test.')
    await shot(page, '20-export-dialog')
    const got = await exportAndReceive(page)
    // One download: a ZIP named like the figure (input hash, method, class) holding exactly the reported files.
    const names = await reportedNames()
    expect(names.map((n) => n.slice(n.lastIndexOf('.'))).sort()).toEqual(['.pdf', '.png', '.svg'])
    expect(got.name).toMatch(new RegExp(`^ml-[0-9a-f]{12}-${methodId}-class\\d+[\\w-]*\\.zip$`))
    expect([...got.files.keys()].sort()).toEqual([...names].sort())
    expect(await page.textContent('[data-testid=export-download]')).toBe(got.name)
    expect(await page.textContent('[data-testid=export-report]')).toMatch(/Made 3 files; your browser saves them as/)
    const [pngName, png] = fileEnding(got.files, '.png')
    expect(pngName).toBe(`${got.name.slice(0, -'.zip'.length)}.png`)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    const prov = provenanceOf(png)
    expect(prov.methods.map((m) => m.id)).toEqual([methodId])
    expect(prov).toMatchObject({ view: { layout: 'single', colormap: 'viridis', mode: 'image' }, input: { kind: 'raster', mapping: { source: 'file', chosenBy: 'model-card' } } })
    expect(pngItxt(new Uint8Array(png)).get('Description')).toContain('Synthetic scene made by the e2e test.')
    const meta = await sharp(png).metadata()
    expect(meta.width).toBeGreaterThan(300)
    const [, pdf] = fileEnding(got.files, '.pdf')
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(10_000)
    expect(fileEnding(got.files, '.svg')[1].toString('utf8')).toContain('<svg')
    await shot(page, '21-export-report')
  })

  it('a single format arrives as that file itself, named with method and class', async (ctx) => {
    needsApp(ctx)
    await page.uncheck('[data-testid=export-format-svg]')
    await page.uncheck('[data-testid=export-format-pdf]')
    const got = await exportAndReceive(page)
    const methodId = await page.inputValue('[data-testid=method-select]')
    expect(got.name).toMatch(new RegExp(`^ml-[0-9a-f]{12}-${methodId}-class\\d+[\\w-]*\\.png$`))
    expect(await reportedNames()).toEqual([got.name])
    expect(got.bytes.subarray(1, 4).toString()).toBe('PNG')
    expect((await sharp(got.bytes).metadata()).format).toBe('png')
    expect(provenanceOf(got.bytes).methods.map((m) => m.id)).toEqual([methodId])
  })

  it('the side-by-side comparison is exported as one figure with both methods', async (ctx) => {
    needsApp(ctx)
    await page.click('[data-testid=export-dialog] button:has-text("Close")')
    await page.check('[data-testid=compare-toggle]')
    await page.selectOption('[data-testid=compare-method]', 'raw-attention')
    await page.waitForFunction(() => (document.querySelector('[data-testid=pane-title-1]')?.textContent ?? '') !== '', undefined, { timeout: 120_000 })
    await page.click('[data-testid=export-button]')
    await page.uncheck('[data-testid=export-format-svg]')
    await page.uncheck('[data-testid=export-format-pdf]')
    const got = await exportAndReceive(page)
    expect(got.name).toMatch(/_raw-attention-class\d+[\w-]*\.png$/)
    const prov = provenanceOf(got.bytes)
    expect(prov.view.layout).toBe('side-by-side')
    expect(prov.methods.map((m) => m.id)).toHaveLength(2)
    expect(prov.methods[1]?.id).toBe('raw-attention')
    await shot(page, '22-export-compare')
    // The exported figure itself, kept with the screenshots for review.
    writeFileSync(join(ARTIFACTS, '23-exported-compare-figure.png'), got.bytes)
    await page.uncheck('[data-testid=compare-toggle]')
  })

  it('a CT figure: 1-based pinned patch as the app names it, a named colour bar, the display window and a scale bar, method and class in the name', async (ctx) => {
    needsApp(ctx)
    // The previous test leaves its report open; close it so the Export button opens a fresh dialog.
    await page.click('[data-testid=export-dialog] button:has-text("Close")')
    const before = await page.getAttribute('[data-testid=model-input-panel]', 'data-run-id')
    await dropFile(page, ctDicom(), 'ct.dcm', 'application/dicom')
    await page.waitForFunction((b) => {
      const id = document.querySelector('[data-testid=model-input-panel]')?.getAttribute('data-run-id')
      return id !== undefined && id !== null && id !== '' && id !== b && document.querySelector('[data-testid=progress]') === null
    }, before, { timeout: 150_000 })
    if (await page.isChecked('[data-testid=compare-toggle]')) await page.uncheck('[data-testid=compare-toggle]')
    const box = await page.locator('[data-testid=overlay-pane-0]').boundingBox()
    if (box === null) throw new Error('no overlay pane')
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.45)
    await page.waitForSelector('[data-testid=drill-panel][data-state=ready]', { timeout: 150_000 })
    // The app's own words for the pin: "Patch row R, column C" (1-based).
    const title = (await page.textContent('#drill-title')) ?? ''
    const m = /row (\d+), column (\d+)/.exec(title)
    if (m === null) throw new Error(`no patch in the drill-down title: ${title}`)
    const [row, col] = [Number(m[1]), Number(m[2])]
    await page.click('[data-testid=export-button]')
    await page.waitForSelector('[data-testid=export-dialog]:not([hidden])')
    await page.check('[data-testid=export-format-svg]')
    await page.uncheck('[data-testid=export-format-pdf]')
    await page.fill('[data-testid=export-caption]', '')
    const got = await exportAndReceive(page)
    const [svgName, svgBytes] = fileEnding(got.files, '.svg')
    const methodId = await page.inputValue('[data-testid=method-select]')
    expect(svgName).toMatch(new RegExp(`^ml-[0-9a-f]{12}-${methodId}-class\\d+`))
    const svg = svgBytes.toString('utf8')
    const texts = (role: string): string => [...svg.matchAll(new RegExp(`data-role="${role}">([^<]*)<`, 'g'))].map((x) => x[1]).join(' ').replace(/\u00a0/g, ' ')
    expect(texts('bar-name')).toBe('relevance, arbitrary units')
    // Vim-T's grid is 14 × 14: the index is row-major and 1-based too.
    expect(texts('caption')).toContain(`pinned patch ${(row - 1) * 14 + col} (row ${row}, column ${col}) outlined`)
    expect(texts('header')).toContain('Display window W 400, L 40 HU · pixel 0.70 × 0.70 mm')
    // The scale bar: a drawn bar and its round length.
    expect(svg).toMatch(/<rect [^>]*data-role="scale-bar"\/>/)
    expect(texts('scale-bar')).toMatch(/^scale: \d+ (mm|cm)$/)
    await shot(page, '23-export-ct-figure')
  })

  it('a DICOM Secondary Capture filed into the source study, on the explicit choice only, arrives as a download', async (ctx) => {
    needsApp(ctx)
    await page.click('[data-testid=export-dialog] button:has-text("Close")')
    const study = '1.2.826.0.1.3680043.99.15'
    const rows = 96, columns = 96
    const source = Buffer.from(makeDicom({
      sopClassUid: SOP.ct, rows, columns, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, photometric: 'MONOCHROME2',
      pixels: Int16Array.from(phantom(rows, columns, -1000, 1500)),
      attributes: { Modality: 'CT', StudyInstanceUID: study, WindowCenter: 40, WindowWidth: 400 },
    }))
    const before = await page.getAttribute('[data-testid=model-input-panel]', 'data-run-id')
    await dropFile(page, source, 'study.dcm', 'application/dicom')
    await page.waitForFunction((b) => {
      const id = document.querySelector('[data-testid=model-input-panel]')?.getAttribute('data-run-id')
      return id !== undefined && id !== null && id !== '' && id !== b && document.querySelector('[data-testid=progress]') === null
    }, before, { timeout: 150_000 })
    await page.click('[data-testid=export-button]')
    await page.waitForSelector('[data-testid=export-dialog]:not([hidden])')
    for (const f of ['png1', 'svg', 'pdf']) await page.uncheck(`[data-testid=export-format-${f}]`)
    await page.check('[data-testid=export-format-dicom]')
    expect(await page.isChecked('[data-testid=export-source-study]')).toBe(false)
    await page.check('[data-testid=export-source-study]')
    expect(await page.locator('[data-testid=export-linkage]').count()).toBe(0)
    const got = await exportAndReceive(page)
    expect(got.name).toMatch(/^ml-[0-9a-f]{12}-[\w-]+-class\d+[\w-]*\.dcm$/)
    const sc = dicomParser.parseDicom(got.bytes)
    const src = dicomParser.parseDicom(source)
    expect([sc.string('x0020000d'), sc.string('x00100010'), sc.string('x00080016')]).toEqual([study, FAKE_PATIENT.PatientName, '1.2.840.10008.5.1.4.1.1.7'])
    expect(sc.string('x00080018')).not.toBe(src.string('x00080018'))
    expect(sc.elements.x00082112?.items?.[0]?.dataSet?.string('x00081155')).toBe(src.string('x00080018'))
    expect([sc.uint16('x00280002'), sc.string('x00280004')]).toEqual([3, 'RGB'])
    expect(sc.elements.x7fe00010!.length).toBeGreaterThanOrEqual(sc.uint16('x00280010')! * sc.uint16('x00280011')! * 3)
    await shot(page, '24-export-sc-source-study')
  })

  it('keyboard: Enter opens the dialog with focus inside, Escape closes it and returns focus', async (ctx) => {
    needsApp(ctx)
    await page.click('[data-testid=export-dialog] button:has-text("Close")')
    await page.focus('[data-testid=export-button]')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-testid=export-dialog]:not([hidden])')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('export-format-png1')
    expect(await page.getAttribute('[data-testid=export-button]', 'aria-expanded')).toBe('true')
    await page.keyboard.press('Escape')
    expect(await page.isHidden('[data-testid=export-dialog]')).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('export-button')
  })
})
