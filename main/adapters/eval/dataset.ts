/**
 * Labelled evaluation images (and lesion masks where present) from a folder, in one of two layouts:
 * - BUS-BRA as published: `bus_data.csv`, `5-fold-cv.csv`, `Images/bus_XXXX-s.png`, `Masks/mask_XXXX-s.png`;
 *   the split comes from the model card's `data.split` (`testFold`, `valFold`; the rest is training);
 * - generic: `labels.csv` with columns `image,label[,split]` (label = class index), `images/<image>`,
 *   optional `masks/<image>` (non-zero = lesion).
 * Only ids, labels and paths are read; nothing here is logged (patient data stays private).
 */
import { existsSync } from 'node:fs'
import { readCsv } from './csv'
import path from 'node:path'

/** One image of the evaluation. */
export interface EvalItem {
  /** Stable id (BUS-BRA ID or the generic file name): the resume key and the random-baseline seed source. */
  readonly id: string
  readonly imagePath: string
  readonly maskPath?: string
  /** Ground-truth class index. */
  readonly label: number
}

export type SplitName = 'test' | 'val' | 'train' | 'all'

/** The data folder or its split cannot serve the evaluation (the CLI reports it as a usage error). */
export class EvalDataError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EvalDataError'
  }
}


/** True when `dir` has BUS-BRA's published layout. */
export function isBusbra(dir: string): boolean {
  return ['bus_data.csv', '5-fold-cv.csv', 'Images'].every((f) => existsSync(path.join(dir, f)))
}

/** The card's `data.split` folds, if it names them. */
export interface CardSplit {
  readonly testFold?: number
  readonly valFold?: number
}

function busbraItems(dir: string, split: SplitName, classes: readonly string[], folds: CardSplit): EvalItem[] {
  if (split !== 'all' && (folds.testFold === undefined || folds.valFold === undefined)) {
    throw new EvalDataError(`--split ${split} needs the model card's data.split (testFold, valFold); use --split all`)
  }
  const items: EvalItem[] = []
  for (const r of readCsv(path.join(dir, '5-fold-cv.csv'))) {
    const id = r['ID'] ?? ''
    const fold = Number(r['kFold'])
    const which = fold === folds.testFold ? 'test' : fold === folds.valFold ? 'val' : 'train'
    if (split !== 'all' && which !== split) continue
    const label = classes.indexOf(r['Pathology'] ?? '')
    if (label < 0) throw new EvalDataError(`BUS-BRA row with a class the model does not have: ${r['Pathology'] ?? ''}`)
    const maskPath = path.join(dir, 'Masks', `${id.replace(/^bus_/, 'mask_')}.png`)
    items.push({ id, imagePath: path.join(dir, 'Images', `${id}.png`), label, ...(existsSync(maskPath) ? { maskPath } : {}) })
  }
  return items
}

function genericItems(dir: string, split: SplitName, classes: readonly string[]): EvalItem[] {
  const csv = path.join(dir, 'labels.csv')
  if (!existsSync(csv)) throw new EvalDataError('--data must be a BUS-BRA folder or hold labels.csv, images/ and (optionally) masks/')
  const items: EvalItem[] = []
  for (const r of readCsv(csv)) {
    const image = r['image'] ?? ''
    if (split !== 'all' && (r['split'] ?? split) !== split) continue
    const raw = r['label'] ?? ''
    const label = /^\d+$/.test(raw) ? Number(raw) : classes.indexOf(raw)
    if (!(label >= 0 && label < classes.length)) throw new EvalDataError(`labels.csv: bad label '${raw}'`)
    const maskPath = path.join(dir, 'masks', image)
    items.push({ id: image, imagePath: path.join(dir, 'images', image), label, ...(existsSync(maskPath) ? { maskPath } : {}) })
  }
  return items
}

/** The items of `split`, sorted by id. */
export function readEvalItems(dir: string, split: SplitName, classes: readonly string[], folds: CardSplit = {}): EvalItem[] {
  const items = isBusbra(dir) ? busbraItems(dir, split, classes, folds) : genericItems(dir, split, classes)
  return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
