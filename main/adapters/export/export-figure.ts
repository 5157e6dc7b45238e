/**
 * `exportFigure`: the one entry point the app (IPC) and the CLI call. Order matters for safety:
 * validate → burned-in check → patterns in the user's caption and file name → burned-in text on the
 * pixels (core/export/preflight.ts) → build the spec → privacy preflight of every text → encode every format in
 * memory (the DICOM dataset gets its own attribute check) → write all files to temporaries → rename them
 * into place. A refusal or failure at any step leaves the output folder as it was.
 */
import { createHash, randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { composeFigure, heatLayer } from '../../core/export/compose'
import { buildFigureSpec, figureLayout, textsToCheck, type FigureSpec } from '../../core/export/figure'
import { assertNoPhiPatterns, needsTextCheck, OFTEN_BURNED_IN, preflightBurnedInText } from '../../core/export/preflight'
import { assertNoPhi, phiNeedles, type PhiNeedle } from '../../core/export/privacy'
import { sourceStudyOf, type SourceStudy } from '../../core/export/sc-source'
import { resizeRgb } from '../../core/export/raster'
import { EXPORT_FORMATS, type ExportedFile, type ExportFormat, type ExportOptions, type ExportReport, type FigureRequest } from '../../core/export/types'
import { AppError } from '../../core/errors'
import type { Rgb8Image } from '../../core/image/types'
import type { Logger } from '../../core/log'
import { encodeSecondaryCapture } from './dicom-sc'
import { buildPdf } from './pdf'
import { burnInSvg, encodePngWithText } from './png'
import { StagedExport } from './staged-files'
import { buildSvg, svgTextLayer } from './svg'

/** Services the export uses, replaceable in tests. */
export interface ExportDeps {
  readonly now?: () => Date
  readonly randomUuid?: () => string
  readonly log?: Logger
}

/** iTXt keyword of the provenance JSON in PNG files. */
export const PNG_PROVENANCE_KEY = 'mamba-lens:provenance'
const MAX_SCALE = 4

interface Output {
  readonly suffix: string
  readonly format: ExportFormat | 'json'
  readonly bytes: Uint8Array
  readonly width?: number
  readonly height?: number
  readonly scale?: number
}

function checkOptions(o: ExportOptions): { formats: ExportFormat[]; scales: number[] } {
  const formats = [...new Set(o.formats)]
  const scales = [...new Set(o.scales ?? [1, 2])]
  const bad = formats.length === 0 || formats.some((f) => !(EXPORT_FORMATS as readonly string[]).includes(f)) ||
    (formats.includes('png') && (scales.length === 0 || scales.some((s) => !Number.isInteger(s) || s < 1 || s > MAX_SCALE))) ||
    typeof o.outDir !== 'string' || o.outDir.trim() === ''
  if (bad) throw new AppError('export/invalid-request', { detail: { reason: 'formats, scales or folder', formats, scales } })
  return { formats, scales }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AppError('run/cancelled')
}

/** The hashed linkage ID (opt-in), or null. Never derived without a site salt: unsalted IDs are reversible by lookup. */
function linkageId(req: FigureRequest, o: ExportOptions, warnings: string[]): string | null {
  if (o.keepLinkageId !== true) return null
  if (o.linkageSalt === undefined || o.linkageSalt.length < 8) {
    throw new AppError('export/invalid-request', { detail: { reason: 'linkage salt missing or shorter than 8 characters' } })
  }
  const id = req.source.phi?.reveal().PatientID
  if (id === undefined || id.trim() === '') {
    warnings.push('A linkage ID was requested, but the source has no patient ID; none was written.')
    return null
  }
  return `ML-${createHash('sha256').update(o.linkageSalt + id.trim(), 'utf8').digest('hex').slice(0, 16).toUpperCase()}`
}

function burnedIn(req: FigureRequest): 'YES' | 'NO' | undefined {
  if (req.source.burnedInAnnotation !== undefined) return req.source.burnedInAnnotation
  const v = req.source.meta?.BurnedInAnnotation
  return typeof v === 'string' && /^(YES|NO)$/i.test(v.trim()) ? (v.trim().toUpperCase() as 'YES' | 'NO') : undefined
}

async function pngOf(image: Rgb8Image): Promise<Uint8Array> {
  const b = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer()
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

async function svgOf(spec: FigureSpec): Promise<{ text: string; width: number; height: number }> {
  const layout = figureLayout(spec, 1)
  const assets = await Promise.all(spec.panels.map(async ({ scene }, i) => {
    const pl = layout.panels[i]!
    // The picture at 2× the panel size: sharp in print, and not the full scan (which may be 3000 px).
    const picture = resizeRgb(scene.picture, pl.image.width * 2, pl.image.height * 2)
    const h = scene.heat
    const heat = h === null ? null : await sharp(Buffer.from(heatLayer(h).buffer), { raw: { width: h.width, height: h.height, channels: 4 } }).png().toBuffer()
    return { pictureBase64: Buffer.from(await pngOf(picture)).toString('base64'), heatBase64: heat === null ? null : heat.toString('base64') }
  }))
  return { text: buildSvg(spec, layout, assets), width: layout.width, height: layout.height }
}

/** The figure with burned-in labels at `scale`. */
async function rasterWithText(spec: FigureSpec, scale: number): Promise<Rgb8Image> {
  const layout = figureLayout(spec, scale)
  return burnInSvg(composeFigure(spec, layout), svgTextLayer(layout))
}

/** The opted-in source study of the SC, or null (de-identified SC). Checked before anything is composed. */
function scSource(req: FigureRequest, o: ExportOptions, formats: readonly ExportFormat[]): SourceStudy | null {
  if (o.fileToSourceStudy !== true) return null
  if (!formats.includes('dicom') || o.keepLinkageId === true) {
    throw new AppError('export/invalid-request', { detail: { reason: 'filing into the source study needs the DICOM format and no linkage ID' } })
  }
  return sourceStudyOf(req)
}

async function encodeAll(spec: FigureSpec, formats: readonly ExportFormat[], scales: readonly number[], o: ExportOptions,
  needles: readonly PhiNeedle[], link: string | null, source: SourceStudy | null, deps: ExportDeps): Promise<Output[]> {
  const out: Output[] = []
  const text = {
    Title: spec.title, Description: spec.caption, Software: `Mamba Lens ${spec.provenance.app.version}`,
    'Creation Time': spec.provenance.createdAt, [PNG_PROVENANCE_KEY]: spec.provenanceJson,
  }
  for (const format of formats) {
    throwIfCancelled(o.signal)
    if (format === 'png') {
      for (const s of scales) {
        const img = await rasterWithText(spec, s)
        out.push({ suffix: s === 1 ? '.png' : `@${s}x.png`, format, bytes: await encodePngWithText(img, text), width: img.width, height: img.height, scale: s })
      }
    } else if (format === 'svg') {
      const svg = await svgOf(spec)
      out.push({ suffix: '.svg', format, bytes: new TextEncoder().encode(svg.text), width: svg.width, height: svg.height })
    } else if (format === 'pdf') {
      const layout = figureLayout(spec, 1)
      const pdf = await buildPdf(spec, layout, await pngOf(composeFigure(spec, figureLayout(spec, 2))))
      out.push({ suffix: '.pdf', format, bytes: pdf, width: layout.width, height: layout.height })
    } else {
      const img = await rasterWithText(spec, 1)
      const sc = encodeSecondaryCapture(spec, img, (deps.randomUuid ?? randomUUID)(), link, needles, source)
      out.push({ suffix: '.dcm', format, bytes: sc.bytes, width: img.width, height: img.height })
    }
  }
  if (o.sidecar === true) out.push({ suffix: '.provenance.json', format: 'json', bytes: new TextEncoder().encode(`${spec.provenanceJson}\n`) })
  return out
}

/**
 * Exports the current view. Throws AppError: `export/invalid-request` (bad options or a method not in the
 * result), `export/burned-in-annotation`, `export/phi-pattern`, `export/burned-in-text`, `export/phi-detected`
 * (nothing written), `export/write-failed`,
 * `run/cancelled`. Returns the written files with their SHA-256.
 */
export async function exportFigure(original: FigureRequest, options: ExportOptions, deps: ExportDeps = {}): Promise<ExportReport> {
  const { formats, scales } = checkOptions(options)
  const source = scSource(original, options, formats)
  const log = deps.log?.child('export')
  const warnings: string[] = []
  const burned = burnedIn(original)
  if (burned === 'YES' && options.acceptBurnedInAnnotation !== true) throw new AppError('export/burned-in-annotation')
  assertNoPhiPatterns(original)
  let request = original
  if (needsTextCheck(original, burned)) {
    const checked = preflightBurnedInText(original, options)
    request = checked.request
    warnings.push(...checked.warnings)
  }
  const modality = String(request.source.meta?.modality ?? request.source.meta?.Modality ?? '')
  if (burned === undefined && request.source.kind === 'dicom' && OFTEN_BURNED_IN.has(modality.toUpperCase()) && warnings.length === 0) {
    warnings.push(`The source (${modality}) does not say whether text is burned into its pixels; check the figure before sharing.`)
  }
  const link = linkageId(request, options, warnings)
  const createdAt = request.createdAt ?? (deps.now?.() ?? new Date()).toISOString()
  const spec = buildFigureSpec(request, { createdAt, linkageId: link })
  const needles = phiNeedles(request.source.phi)
  assertNoPhi(textsToCheck(spec, request), needles)

  const outputs = await encodeAll(spec, formats, scales, options, needles, link, source, deps)
  throwIfCancelled(options.signal)
  const staged = await StagedExport.open(options.outDir)
  const stem = staged.freeStem(spec.fileStem, outputs.map((f) => f.suffix), options.overwrite === true)
  const files: ExportedFile[] = []
  try {
    for (const f of outputs) {
      const path = await staged.add(stem + f.suffix, f.bytes)
      files.push({
        format: f.format, path, bytes: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex'),
        ...(f.width !== undefined ? { width: f.width } : {}), ...(f.height !== undefined ? { height: f.height } : {}),
        ...(f.scale !== undefined ? { scale: f.scale } : {}),
      })
    }
    throwIfCancelled(options.signal)
    await staged.commit()
  } catch (e) {
    await staged.discard()
    throw e
  }
  // Ids and hashes only (STYLE.md §2.6): no path, no caption.
  log?.info('figure exported', { formats, files: files.length, inputSha256: request.source.fileSha256.slice(0, 12), methods: spec.panels.map((p) => p.methodId) })
  return { stem, files, provenance: spec.provenance, warnings }
}
