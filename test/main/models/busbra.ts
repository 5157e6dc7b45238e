/**
 * BUS-BRA evaluation helpers shared by the default-model test and the card script (score-busbra.ts):
 * the patient-wise split read from the authors' 5-fold file, the card's preprocessing done with sharp
 * exactly as the app does it (raster loader: autoOrient → flatten → sRGB → RGB8; model input: resize with
 * `fit: 'fill'` (the card's `stretch` policy) and the linear kernel → /255 → ImageNet mean/std, CHW),
 * the graph run with onnxruntime-node, and the metrics (ROC AUC with ties = ½, sensitivity,
 * specificity, balanced accuracy). The Python side (models/tools/vimlens/metrics.py) uses the same
 * definitions on the scores this file produces, so the card and the test agree to float rounding.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { readCsv } from '../../../main/adapters/eval/csv'
import * as ort from 'onnxruntime-node'

export const CLASSES = ['benign', 'malignant'] as const

export interface BusbraRecord {
  readonly id: string
  readonly patient: number
  /** 0 benign, 1 malignant (biopsy-proven). */
  readonly label: 0 | 1
  /** `kFold` of 5-fold-cv.csv. */
  readonly fold: number
}


/** True when the BUS-BRA folder has what the evaluation reads. */
export function hasBusbra(dir: string): boolean {
  return ['bus_data.csv', '5-fold-cv.csv', 'Images'].every((f) => existsSync(path.join(dir, f)))
}

/** Every image with its patient, label and fold, sorted by ID. */
export function readBusbra(dir: string): BusbraRecord[] {
  const meta = new Map(readCsv(path.join(dir, 'bus_data.csv')).map((r) => [r.ID as string, r]))
  const recs: BusbraRecord[] = []
  for (const r of readCsv(path.join(dir, '5-fold-cv.csv'))) {
    const id = r.ID as string
    const m = meta.get(id)
    if (m === undefined) throw new Error(`${id} missing from bus_data.csv`)
    const label = CLASSES.indexOf(r.Pathology as (typeof CLASSES)[number])
    if (label < 0 || m.Pathology !== r.Pathology) throw new Error(`${id}: bad pathology`)
    recs.push({ id, patient: Number(m.Case), label: label as 0 | 1, fold: Number(r.kFold) })
  }
  return recs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

export interface InputCard {
  readonly shape: readonly number[]
  readonly resize: string
  readonly mean: readonly number[]
  readonly std: readonly number[]
}

/** PNG → normalised CHW float32 as the app builds it for a card with `resize: 'stretch'`. */
export async function stretchInput(pngPath: string, input: InputCard): Promise<Float32Array> {
  if (input.resize !== 'stretch') throw new Error(`only the 'stretch' policy is implemented here, card says ${input.resize}`)
  const h = input.shape[2] as number
  const w = input.shape[3] as number
  const dec = await sharp(readFileSync(pngPath), { failOn: 'error' })
    .autoOrient().flatten({ background: '#000000' }).toColourspace('srgb').raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const n = dec.info.width * dec.info.height
  const ch = dec.info.channels
  const rgb = new Uint8Array(n * 3)
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = dec.data[i * ch + (ch >= 3 ? c : 0)] as number
  const px = await sharp(rgb, { raw: { width: dec.info.width, height: dec.info.height, channels: 3 } })
    .resize(w, h, { fit: 'fill', kernel: 'linear' }).raw({ depth: 'uchar' }).toBuffer()
  const out = new Float32Array(3 * h * w)
  for (let c = 0; c < 3; c++) {
    const m = input.mean[c] as number
    const s = input.std[c] as number
    for (let i = 0; i < h * w; i++) out[c * h * w + i] = ((px[i * 3 + c] as number) / 255 - m) / s
  }
  return out
}

/** Runs the graph on one image (`target` is fed only where the graph has it: not the forward variant); `fetches` limits the outputs (undefined: all). */
export async function runImage(sess: ort.InferenceSession, tensor: Float32Array, input: InputCard, target: number[], fetches?: string[]):
Promise<Record<string, ort.Tensor>> {
  const feeds: Record<string, ort.Tensor> = { image: new ort.Tensor('float32', tensor, [...input.shape]) }
  if (sess.inputNames.includes('target')) feeds['target'] = new ort.Tensor('float32', Float32Array.from(target), [target.length])
  return (fetches ? await sess.run(feeds, fetches) : await sess.run(feeds)) as Record<string, ort.Tensor>
}

/** p(malignant) = softmax(logits)[1] for two logits. */
export function malignantProbability(logits: ArrayLike<number>): number {
  return 1 / (1 + Math.exp((logits[0] as number) - (logits[1] as number)))
}

/** ROC AUC as the Mann–Whitney statistic with average ranks for ties. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number))
  const ranks = new Float64Array(scores.length)
  for (let i = 0; i < idx.length;) {
    let j = i
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++
    for (let k = i; k <= j; k++) ranks[idx[k] as number] = (i + j) / 2 + 1
    i = j + 1
  }
  let nPos = 0
  let sumPos = 0
  labels.forEach((y, i) => { if (y === 1) { nPos++; sumPos += ranks[i] as number } })
  const nNeg = labels.length - nPos
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)
}

export interface ThresholdMetrics { sensitivity: number; specificity: number; balancedAccuracy: number; tp: number; fn: number; tn: number; fp: number }

/** Predicted malignant when score ≥ threshold. */
export function atThreshold(scores: readonly number[], labels: readonly number[], thr: number): ThresholdMetrics {
  let tp = 0, fn = 0, tn = 0, fp = 0
  scores.forEach((s, i) => {
    const pos = s >= thr
    if (labels[i] === 1) { if (pos) tp++; else fn++ } else if (pos) fp++; else tn++
  })
  const sensitivity = tp / Math.max(tp + fn, 1)
  const specificity = tn / Math.max(tn + fp, 1)
  return { sensitivity, specificity, balancedAccuracy: (sensitivity + specificity) / 2, tp, fn, tn, fp }
}
