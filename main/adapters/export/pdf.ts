/**
 * One-page PDF figure on A4 or Letter paper (pdf-lib; issue 15: the PDF was a 352×821 pt strip): the
 * composed raster (panels, overlay, colour bars; no text) embedded at 2× for print, every label drawn as
 * real PDF text at the layout's positions, then a readable provenance block under the figure. The figure
 * sits centred at the top, 1 figure px = 1 pt, reduced only when wider than the text width (or taller than
 * the text area); a block that does not fit continues on a second page. The
 * provenance travels three ways: as a custom Info entry (`/MambaLensProvenance`, read by `pdfinfo -custom`),
 * as an embedded `provenance.json` (read by `pdfdetach`), and as the visible block.
 */
import { PDFDict, PDFDocument, PDFHexString, PDFName, StandardFonts, rgb, type PDFFont } from 'pdf-lib'
import type { FigureSpec } from '../../core/export/figure'
import type { FigureLayout, TextItem } from '../../core/export/layout'
import { provenanceSummary } from '../../core/export/provenance'
import { wrapText } from '../../core/export/text'

/** Custom Info dictionary key holding the canonical provenance JSON. */
export const PDF_INFO_KEY = 'MambaLensProvenance'
/** Name of the embedded provenance file. */
export const PDF_ATTACHMENT = 'provenance.json'

const SUMMARY_SIZE = 8.5
const SUMMARY_LEAD = 11
const HEADING_SIZE = 10
/** Page margin (pt): 15 mm. */
const MARGIN = 42

/** Paper sizes in pt (ISO 216 A4; US Letter). */
export const PAPER = { a4: [595.28, 841.89], letter: [612, 792] } as const
export type Paper = keyof typeof PAPER

/**
 * Where the figure goes on the page: its scale (≤ 1; only a figure wider or taller than the text area is reduced;
 * the provenance block goes under it and continues on a second page when the figure leaves too little room)
 * and its top-left corner in pt from the page's top-left, on whole points so a 144 dpi raster of the page
 * lines up with the 2× composition pixel for pixel.
 */
export function pdfPlacement(layout: Pick<FigureLayout, 'width' | 'height'>, paper: Paper): { pageWidth: number; pageHeight: number; scale: number; left: number; top: number } {
  const [pageWidth, pageHeight] = PAPER[paper]
  const scale = Math.min(1, (pageWidth - 2 * MARGIN) / layout.width, (pageHeight - 2 * MARGIN) / layout.height)
  return { pageWidth, pageHeight, scale, left: Math.round((pageWidth - layout.width * scale) / 2), top: MARGIN }
}

/** Standard fonts encode WinAnsi only; anything else is shown as '?' rather than failing the export. */
function encodable(font: PDFFont): (s: string) => string {
  const set = new Set(font.getCharacterSet())
  return (s) => Array.from(s.normalize('NFC'), (ch) => (set.has(ch.codePointAt(0) ?? 0) ? ch : '?')).join('')
}

function hexColour(hex: string): ReturnType<typeof rgb> {
  const v = Number.parseInt(hex.replace('#', ''), 16)
  return rgb(((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255)
}

/** Greedy wrap of one line by the font's own widths (long hashes are split where they must be). */
function wrapToWidth(text: string, font: PDFFont, size: number, width: number): string[] {
  const perChar = font.widthOfTextAtSize('0', size)
  return wrapText(text, width / perChar).flatMap((l) => (font.widthOfTextAtSize(l, size) <= width ? [l] : wrapText(l, (width / font.widthOfTextAtSize(l, size)) * l.length)))
}

/**
 * Builds the PDF. `layout` is the 1× layout; `raster2xPng` the text-free composition at 2× (PNG bytes).
 * `createdAt` sets the document dates, so the same export gives the same metadata.
 */
export async function buildPdf(spec: FigureSpec, layout: FigureLayout, raster2xPng: Uint8Array, paper: Paper = 'a4'): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const regular = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const safe = encodable(regular)
  const at = pdfPlacement(layout, paper)
  const page = doc.addPage([at.pageWidth, at.pageHeight])
  const image = await doc.embedPng(raster2xPng)
  const figureBottom = at.pageHeight - at.top - layout.height * at.scale
  page.drawImage(image, { x: at.left, y: figureBottom, width: layout.width * at.scale, height: layout.height * at.scale })

  const draw = (t: TextItem): void => {
    const font = t.weight === 'bold' ? bold : regular
    const text = safe(t.text)
    const size = t.size * at.scale
    const w = font.widthOfTextAtSize(text, size)
    const x0 = at.left + t.x * at.scale
    const x = t.anchor === 'middle' ? x0 - w / 2 : t.anchor === 'end' ? x0 - w : x0
    page.drawText(text, { x, y: at.pageHeight - at.top - t.y * at.scale, size, font, color: hexColour(t.fill) })
  }
  layout.texts.forEach(draw)

  // The provenance block: a heading, then the summary wrapped to the text width by measured glyph widths.
  const textWidth = at.pageWidth - 2 * MARGIN
  const summary = provenanceSummary(spec.provenance).flatMap((l) => wrapToWidth(safe(l), regular, SUMMARY_SIZE, textWidth))
  let y = figureBottom - 2 * SUMMARY_LEAD
  page.drawText('Provenance (also embedded: provenance.json attachment and document info)', { x: MARGIN, y, size: HEADING_SIZE, font: bold, color: rgb(0.2, 0.2, 0.2) })
  y -= SUMMARY_LEAD * 1.4
  let sheet = page
  for (const line of summary) {
    // A block that runs off the paper goes on on a second page of the same size.
    if (y < MARGIN) {
      sheet = doc.addPage([at.pageWidth, at.pageHeight])
      y = at.pageHeight - MARGIN - SUMMARY_LEAD
    }
    sheet.drawText(line, { x: MARGIN, y, size: SUMMARY_SIZE, font: regular, color: rgb(0.25, 0.25, 0.25) })
    y -= SUMMARY_LEAD
  }

  const created = new Date(spec.provenance.createdAt)
  doc.setTitle(safe(spec.title), { showInWindowTitleBar: true })
  doc.setSubject(safe(spec.caption))
  doc.setKeywords(['Mamba Lens', 'saliency', ...spec.panels.map((p) => p.methodId), `model-sha256:${spec.provenance.model.sha256}`])
  doc.setCreator(`Mamba Lens ${spec.provenance.app.version}`)
  doc.setProducer('Mamba Lens (pdf-lib)')
  doc.setCreationDate(created)
  doc.setModificationDate(created)
  const infoRef = doc.context.trailerInfo.Info
  const info = infoRef === undefined ? undefined : doc.context.lookup(infoRef, PDFDict)
  // The canonical JSON is ASCII (non-ASCII escaped), so the hex string round-trips byte for byte.
  info?.set(PDFName.of(PDF_INFO_KEY), PDFHexString.fromText(spec.provenanceJson))
  await doc.attach(new TextEncoder().encode(spec.provenanceJson), PDF_ATTACHMENT, {
    mimeType: 'application/json', description: 'Mamba Lens figure provenance', creationDate: created, modificationDate: created,
  })
  return doc.save({ useObjectStreams: false })
}
