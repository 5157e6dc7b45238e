// @vitest-environment node
/**
 * Every exported format read back with an independent tool: sharp for PNG, jsdom's XML parser (+ librsvg
 * via sharp) for SVG, poppler for PDF, DCMTK for the SC. Checked: dimensions, provenance round-trip, and
 * that the overlay pixels match the composition the viewer shows (the plain reference blend of reference-overlay.ts).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportFigure, PNG_PROVENANCE_KEY } from '../../../../main/adapters/export/export-figure'
import { PDF_ATTACHMENT, PDF_INFO_KEY, pdfPlacement } from '../../../../main/adapters/export/pdf'
import { PROVENANCE_NS } from '../../../../main/adapters/export/svg'
import { composeFigure } from '../../../../main/core/export/compose'
import { buildFigureSpec, figureLayout, type FigureSpec } from '../../../../main/core/export/figure'
import type { Rect } from '../../../../main/core/export/layout'
import { parseProvenance } from '../../../../main/core/export/provenance'
import { crop } from '../../../../main/core/export/raster'
import type { ExportReport, FigureRequest } from '../../../../main/core/export/types'
import type { Rgb8Image } from '../../../../main/core/image/types'
import { composeOverlay } from '../../core/export/reference-overlay'
import { request } from '../../core/export/fixture'
import { dcmdumpValues, dcmtkPixelData, hasTool, parseXml, pngItxt, run, runUtf8, scratch, type XmlElement } from './readers'

const tmp = scratch('formats')
let req: FigureRequest
let report: ExportReport
let spec: FigureSpec
let reference: Rgb8Image

const file = (format: string, scale?: number): string => {
  const f = report.files.find((x) => x.format === format && (scale === undefined || x.scale === scale))
  if (f === undefined) throw new Error(`no ${format} file`)
  return f.path
}

async function rgbOf(input: Buffer | string): Promise<Rgb8Image> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: new Uint8Array(data) }
}

function diff(a: Rgb8Image, b: Rgb8Image): { max: number; mean: number } {
  let max = 0
  let sum = 0
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!)
    max = Math.max(max, d)
    sum += d
  }
  return { max, mean: sum / a.data.length }
}

beforeAll(async () => {
  // "What the model saw" at 224 px: the 1× panel is the composition at its own resolution, pixel for pixel.
  req = request(300, 240, {}, { mode: 'model', colormap: 'inferno', opacity01: 0.55 })
  report = await exportFigure(req, { outDir: tmp.dir, formats: ['png', 'svg', 'pdf', 'dicom'], sidecar: true }, { randomUuid: () => '7d9f2c3e-1b4a-4c5d-8e6f-a0b1c2d3e4f5' })
  spec = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
  const m = req.result.methods[0]!
  reference = composeOverlay(spec.panels[0]!.scene.picture, m.heatmap, { colormap: 'inferno', opacity01: 0.55 }).image
})

afterAll(() => tmp.cleanup())

describe('export report', () => {
  it('lists every file with size, hash and the same provenance', () => {
    expect(report.files.map((f) => [f.format, f.scale ?? null])).toEqual([
      ['png', 1], ['png', 2], ['svg', null], ['pdf', null], ['dicom', null], ['json', null],
    ])
    for (const f of report.files) {
      const bytes = readFileSync(f.path)
      expect(bytes.length).toBe(f.bytes)
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(JSON.parse(readFileSync(file('json'), 'utf8'))).toEqual(report.provenance)
    expect(report.warnings).toEqual([])
  })
})

describe('PNG (sharp)', () => {
  it('1× and 2× have the layout’s size; 2× is exactly double', async () => {
    const l1 = figureLayout(spec, 1)
    const m1 = await sharp(file('png', 1)).metadata()
    const m2 = await sharp(file('png', 2)).metadata()
    expect([m1.width, m1.height]).toEqual([l1.width, l1.height])
    expect([m2.width, m2.height]).toEqual([l1.width * 2, l1.height * 2])
    expect(m1.format).toBe('png')
  })

  it('carries the provenance in iTXt (read by sharp and by a chunk walker) identical to the report', async () => {
    const png = new Uint8Array(readFileSync(file('png', 2)))
    const walked = pngItxt(png).get(PNG_PROVENANCE_KEY)!
    expect(parseProvenance(walked)).toEqual(report.provenance)
    const meta = await sharp(file('png', 1)).metadata()
    const viaSharp = meta.comments?.find((c) => c.keyword === PNG_PROVENANCE_KEY)?.text
    expect(viaSharp).toBe(spec.provenanceJson)
    expect(pngItxt(png).get('Description')).toBe(spec.caption)
  })

  it('the image panel of the 1× PNG equals the plain reference blend exactly; 2× stays within one level on average', async () => {
    const png1 = await rgbOf(file('png', 1))
    const panel1 = figureLayout(spec, 1).panels[0]!.image
    expect(diff(crop(png1, panel1), reference)).toEqual({ max: 0, mean: 0 })
    const png2 = await rgbOf(file('png', 2))
    const panel2 = figureLayout(spec, 2).panels[0]!.image
    const half = await rgbOf(await sharp(Buffer.from(crop(png2, panel2).data), { raw: { width: panel2.width, height: panel2.height, channels: 3 } })
      .resize(224, 224, { kernel: 'linear' }).png().toBuffer())
    expect(diff(half, reference).mean).toBeLessThan(1.5)
  })
})

describe('SVG (XML parser, librsvg)', () => {
  const parse = () => parseXml(readFileSync(file('svg'), 'utf8'))

  it('is well-formed XML with the layout size, vector labels and the provenance in <metadata>', () => {
    const doc = parse()
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0)
    const root = doc.documentElement
    const l1 = figureLayout(spec, 1)
    expect([root.getAttribute('width'), root.getAttribute('height')]).toEqual([String(l1.width), String(l1.height)])
    const prov = doc.getElementsByTagNameNS(PROVENANCE_NS, 'provenance')[0]!
    expect(parseProvenance(prov.textContent ?? '')).toEqual(report.provenance)
    const texts = Array.from(doc.getElementsByTagName('text'), (t) => t.textContent ?? '')
    expect(texts).toEqual(l1.texts.map((t) => t.text))
    expect(texts.join(' ')).toContain('Mamba-Rollout')
    expect(doc.getElementsByTagName('desc')[0]!.textContent).toBe(spec.caption)
    expect(doc.querySelectorAll('[data-role="colorbar"]')).toHaveLength(1)
  })

  it('embeds the picture and the heat layer as decodable PNGs; the heat layer is the viewer’s RGBA bitmap', async () => {
    const doc = parse()
    const pic = doc.querySelector('image[data-role="picture"]')!
    const heat = doc.querySelector('image[data-role="heat"]')!
    const decode = (el: XmlElement) => Buffer.from((el.getAttribute('href') ?? '').replace(/^data:image\/png;base64,/, ''), 'base64')
    const pm = await sharp(decode(pic)).metadata()
    expect([pm.width, pm.height]).toEqual([448, 448])
    const hm = await sharp(decode(heat)).metadata()
    expect([hm.width, hm.height, hm.channels]).toEqual([224, 224, 4])
    expect(heat.getAttribute('opacity')).toBe('0.55')
  })

  it('rendered by librsvg, the panel is close to the composition (bilinear scaling differs slightly)', async () => {
    const rendered = await rgbOf(await sharp(readFileSync(file('svg'))).png().toBuffer())
    const panel = figureLayout(spec, 1).panels[0]!.image
    const inner: Rect = { x: panel.x + 2, y: panel.y + 2, width: panel.width - 4, height: panel.height - 4 }
    const ref = crop(reference, { x: 2, y: 2, width: 220, height: 220 })
    const d = diff(crop(rendered, inner), ref)
    expect(d.mean).toBeLessThan(3)
  })
})

describe.skipIf(!hasTool('pdftoppm') || !hasTool('pdfinfo') || !hasTool('pdfdetach'))('PDF (poppler)', () => {
  it('A4 pages (the provenance block may continue on a second); custom Info and the attachment hold the provenance', () => {
    const info = runUtf8('pdfinfo', ['-custom', file('pdf')])
    const basic = runUtf8('pdfinfo', [file('pdf')])
    expect(basic).toMatch(/Pages:\s+[12]\b/)
    expect(basic).toMatch(/Page size:\s+595\.2\d* x 841\.89 pts \(A4\)/)
    const custom = new RegExp(`^${PDF_INFO_KEY}:\\s*(.*)$`, 'm').exec(info)![1]!
    expect(parseProvenance(custom)).toEqual(report.provenance)
    run('pdfdetach', ['-saveall', '-o', tmp.dir, file('pdf')])
    expect(JSON.parse(readFileSync(join(tmp.dir, PDF_ATTACHMENT), 'utf8'))).toEqual(report.provenance)
  })

  it('labels, caption and a readable provenance block are real text', () => {
    const text = runUtf8('pdftotext', ['-layout', file('pdf'), '-']).replace(/\s+/g, ' ')
    expect(text).toContain('Mamba-Rollout')
    expect(text).toContain('Vim-Tiny (test)')
    expect(text).toContain('Provenance (also embedded')
    // The model hash may be wrapped across lines of the block, but all of it is there.
    expect(text.replace(/ /g, '')).toContain('sha256' + 'a'.repeat(64))
  })

  it('Letter paper on request; a figure wider than the text width is reduced, centred', () => {
    expect(pdfPlacement({ width: 300, height: 400 }, 'letter')).toMatchObject({ pageWidth: 612, pageHeight: 792, scale: 1, left: 156, top: 42 })
    const wide = pdfPlacement({ width: 1072, height: 500 }, 'a4')
    expect(wide.scale).toBeCloseTo((595.28 - 84) / 1072, 9)
    expect(wide.left).toBe(42)
  })

  it('rasterised at 144 dpi, the panel matches the 2× composition', async () => {
    const prefix = join(tmp.dir, 'page')
    run('pdftoppm', ['-r', '144', '-png', '-singlefile', file('pdf'), prefix])
    const page = await rgbOf(`${prefix}.png`)
    const l2 = figureLayout(spec, 2)
    const at = pdfPlacement(figureLayout(spec, 1), 'a4')
    expect(at.scale).toBe(1)
    const panel = l2.panels[0]!.image
    // At 144 dpi one pt is two pixels: the figure starts at (2·left, 2·top) of the page raster.
    const onPage = { ...panel, x: panel.x + 2 * at.left, y: panel.y + 2 * at.top }
    const d = diff(crop(page, onPage), crop(composeFigure(spec, l2), panel))
    expect(d.mean).toBeLessThan(1)
  })
})

describe.skipIf(!hasTool('dcmdump'))('DICOM Secondary Capture (DCMTK)', () => {
  it('is an SC with the figure size, burned-in annotation and provenance in standard attributes', () => {
    const { map } = dcmdumpValues(file('dicom'))
    const l1 = figureLayout(spec, 1)
    expect(map.get('0008,0016')).toBe('1.2.840.10008.5.1.4.1.1.7')
    expect([map.get('0028,0010'), map.get('0028,0011')]).toEqual([String(l1.height), String(l1.width)])
    expect(map.get('0028,0004')).toBe('RGB')
    expect(map.get('0028,0301')).toBe('YES')
    expect(map.get('0012,0062')).toBe('YES')
    expect(map.get('0008,0018')).toMatch(/^2\.25\.\d+\.3$/)
    expect(parseProvenance(map.get('0020,4000')!)).toEqual(report.provenance)
    expect(map.get('0008,2111')).toContain('a'.repeat(64))
    expect(map.get('0018,1020')).toContain('Mamba Lens 0.1.0')
    expect(map.get('0008,1090')).toBe('Vim-Tiny (test)')
  })

  it('its pixels are the 1× PNG’s pixels, and its panel is the composition exactly', async () => {
    const raw = dcmtkPixelData(file('dicom'), tmp.dir)
    const png1 = await rgbOf(file('png', 1))
    const sc: Rgb8Image = { width: png1.width, height: png1.height, data: raw.subarray(0, png1.data.length) }
    expect(diff(sc, png1).max).toBe(0)
    expect(diff(crop(sc, figureLayout(spec, 1).panels[0]!.image), reference).max).toBe(0)
  })
})
