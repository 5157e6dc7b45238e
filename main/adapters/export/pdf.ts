/**
 * One-page PDF figure (pdf-lib): the composed raster (panels, overlay, colour bars; no text) embedded at
 * 2× for print, every label drawn as real PDF text at the layout's positions, then the caption's
 * provenance summary under the figure. The provenance travels three ways: as a custom Info entry
 * (`/MambaLensProvenance`, read by `pdfinfo -custom`), as an embedded `provenance.json` (read by
 * `pdfdetach`), and as the visible summary. 1 figure px = 1 pt.
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

const SUMMARY_SIZE = 7
const SUMMARY_LEAD = 9
const MARGIN = 16

/** Standard fonts encode WinAnsi only; anything else is shown as '?' rather than failing the export. */
function encodable(font: PDFFont): (s: string) => string {
  const set = new Set(font.getCharacterSet())
  return (s) => Array.from(s.normalize('NFC'), (ch) => (set.has(ch.codePointAt(0) ?? 0) ? ch : '?')).join('')
}

function hexColour(hex: string): ReturnType<typeof rgb> {
  const v = Number.parseInt(hex.replace('#', ''), 16)
  return rgb(((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255)
}

/**
 * Builds the PDF. `layout` is the 1× layout; `raster2xPng` the text-free composition at 2× (PNG bytes).
 * `createdAt` sets the document dates, so the same export gives the same metadata.
 */
export async function buildPdf(spec: FigureSpec, layout: FigureLayout, raster2xPng: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const regular = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const safe = encodable(regular)
  const summary = provenanceSummary(spec.provenance).flatMap((l) => wrapText(l, (layout.width - 2 * MARGIN) / (0.5 * SUMMARY_SIZE)))
  const summaryHeight = summary.length * SUMMARY_LEAD + MARGIN
  const pageHeight = layout.height + summaryHeight
  const page = doc.addPage([layout.width, pageHeight])
  const image = await doc.embedPng(raster2xPng)
  page.drawImage(image, { x: 0, y: pageHeight - layout.height, width: layout.width, height: layout.height })

  const draw = (t: TextItem): void => {
    const font = t.weight === 'bold' ? bold : regular
    const text = safe(t.text)
    const w = font.widthOfTextAtSize(text, t.size)
    const x = t.anchor === 'middle' ? t.x - w / 2 : t.anchor === 'end' ? t.x - w : t.x
    page.drawText(text, { x, y: pageHeight - t.y, size: t.size, font, color: hexColour(t.fill) })
  }
  layout.texts.forEach(draw)
  summary.forEach((line, i) => {
    page.drawText(safe(line), { x: MARGIN, y: summaryHeight - MARGIN / 2 - (i + 1) * SUMMARY_LEAD + 2, size: SUMMARY_SIZE, font: regular, color: rgb(0.33, 0.33, 0.33) })
  })

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
