/**
 * Patient-data preflight for every input type (issue 15), run before a figure is built or a byte written:
 * (1) the texts the user typed or named (caption, file stem) are checked for the shape of identifiers —
 * dates, record numbers, introduced names — whatever the source, since a PNG has no identifying record to
 * compare with; (2) the picture of sources that do not say they are free of burned-in text (raster images,
 * ultrasound, secondary captures) is searched for lines of text; found text refuses the export unless the
 * user chose to mask it (each line filled black in the figure) or to keep it.
 */
import { AppError } from '../errors'
import { findBurnedInText, maskRegions } from '../image/burned-in-text'
import type { Rgb8Image } from '../image/types'
import { pictureAndFrame } from './figure'
import { findPhiPatterns, type PhiPatternKind } from './phi-patterns'
import type { ExportOptions, FigureRequest } from './types'

const KIND_WORDS: Readonly<Record<PhiPatternKind, string>> = {
  date: 'a date', 'record-number': 'a record number', 'person-name': "a person's name",
}

/** Modalities whose pixels often carry text (ultrasound, photographs, secondary captures of screens). */
export const OFTEN_BURNED_IN: ReadonlySet<string> = new Set(['US', 'OT', 'SC', 'XC', 'ES', 'GM', 'SM'])

/** Throws `export/phi-pattern` when the user's caption or file stem looks like it carries an identifier. */
export function assertNoPhiPatterns(req: FigureRequest): void {
  const texts = [req.caption, req.fileStem].filter((t): t is string => t !== undefined)
  const kinds = [...new Set(texts.flatMap(findPhiPatterns))]
  if (kinds.length > 0) throw new AppError('export/phi-pattern', { detail: { kinds: kinds.map((k) => KIND_WORDS[k]).join(', ') } })
}

/** Whether the pixels of this source must be searched for text: it does not say, and text is common there. */
export function needsTextCheck(req: FigureRequest, burnedInAnnotation: 'YES' | 'NO' | undefined): boolean {
  if (burnedInAnnotation !== undefined) return false
  const modality = String(req.source.meta?.modality ?? req.source.meta?.Modality ?? '').toUpperCase()
  return req.source.kind === 'raster' || (req.source.kind === 'dicom' && OFTEN_BURNED_IN.has(modality))
}

/** The request with its picture (the display image, or the model input in 'model' mode) replaced. */
function withPicture(req: FigureRequest, picture: Rgb8Image): FigureRequest {
  if ((req.view.mode ?? 'image') === 'model') return { ...req, result: { ...req.result, modelInputPreview: picture.data } }
  return { ...req, image: picture }
}

/**
 * Searches the figure's picture for burned-in text. None: the request as is. Found: refused with
 * `export/burned-in-text` (detail `count`) unless `options.burnedInText` says to mask or keep it; the
 * returned warnings say what was done.
 */
export function preflightBurnedInText(req: FigureRequest, options: ExportOptions): { request: FigureRequest; warnings: string[] } {
  const picture = pictureAndFrame(req).image
  const regions = findBurnedInText(picture)
  if (regions.length === 0) return { request: req, warnings: [] }
  if (options.burnedInText === 'mask') {
    return { request: withPicture(req, maskRegions(picture, regions)), warnings: [`${regions.length} line(s) of burned-in text were masked in the figure.`] }
  }
  if (options.burnedInText === 'keep') return { request: req, warnings: [`${regions.length} line(s) of burned-in text were kept, as you confirmed they carry no patient details.`] }
  throw new AppError('export/burned-in-text', { detail: { count: regions.length } })
}
