/**
 * What the domain guard sees of every image of a set (domain-sets.ts), through the app's own engine:
 * `modelInput` (the exact preprocessing of `explain`) then `classify` (the card's batch classifier graph:
 * `logits`, `features`), plus the pixel statistics of the 8-bit model input (main/core/trust/pixel-stats.ts).
 * Cached per set under .work (git-ignored), keyed by the classifier graph's sha256 and the pixel statistics' id:
 * resumable; delete to recompute.
 * The cache holds per-image derived data of ../shared files and must never be committed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { colourShare } from '../../../main/core/trust/domain'
import { pixelStatistics, PIXEL_STATS_ID } from '../../../main/core/trust/pixel-stats'
import { denormalizeChwToRgb8 } from '../../../main/core/preprocess/normalize'
import type { LensEngine } from '../../../main/engine'
import type { SetImage } from './domain-sets'

export interface Row {
  readonly id: string
  readonly label?: number
  readonly device?: string
  readonly modality?: string
  readonly colourShare: number
  readonly logits: number[]
  readonly features: number[]
  /** pixelStatistics of the 8-bit model input. */
  readonly pixels: number[]
  /** Mean grey (0–255) of the model input. */
  readonly meanGrey: number
}

export interface CardLike {
  id?: string; classes: string[]
  input: { shape: number[]; mean: number[]; std: number[] }
  classifierGraph?: { file: string; sha256: string }
}

async function rowsOf(engine: LensEngine, modelId: string, card: CardLike, images: AsyncGenerator<SetImage>, batch: number): Promise<Row[]> {
  const [, , height, width] = card.input.shape as [number, number, number, number]
  const rows: Row[] = []
  let pending: { im: SetImage; tensor: Float32Array }[] = []
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return
    const per = pending[0]!.tensor.length
    const data = new Float32Array(pending.length * per)
    pending.forEach((p, k) => data.set(p.tensor, k * per))
    const out = await engine.classify(data, pending.length, { modelId })
    pending.forEach((p, k) => {
      // The same 8-bit image the worker's guard computes its pixel statistics on (the model-input preview).
      const preview = denormalizeChwToRgb8(p.tensor, width, height, { mean: card.input.mean, std: card.input.std })
      let grey = 0
      for (const v of preview) grey += v
      rows.push({
        id: p.im.id, ...(p.im.label !== undefined ? { label: p.im.label } : {}), ...(p.im.device !== undefined ? { device: p.im.device } : {}),
        ...(p.im.modality !== undefined ? { modality: p.im.modality } : {}),
        colourShare: colourShare(p.im.image.data), meanGrey: grey / preview.length,
        logits: Array.from(out.logits.subarray(k * out.classes, (k + 1) * out.classes)),
        features: Array.from(out.features.subarray(k * out.featureDim, (k + 1) * out.featureDim)),
        pixels: Array.from(pixelStatistics(preview, width, height)),
      })
    })
    pending = []
  }
  for await (const im of images) {
    const input = await engine.modelInput({ width: im.image.width, height: im.image.height, rgb: im.image.data, sourceSha256: '' }, { modelId })
    pending.push({ im, tensor: input.tensor })
    if (pending.length >= batch) await flush()
  }
  await flush()
  return rows
}

/** Rows of every set, from the cache where it matches the graph, else computed and cached. */
export async function setRows(
  engine: () => Promise<LensEngine>, modelId: string, card: CardLike, sets: Record<string, () => AsyncGenerator<SetImage>>, cacheDir: string, batch: number,
): Promise<Record<string, Row[]>> {
  const graphSha = card.classifierGraph?.sha256 ?? ''
  mkdirSync(cacheDir, { recursive: true })
  const data: Record<string, Row[]> = {}
  let e: LensEngine | undefined
  for (const [name, make] of Object.entries(sets)) {
    const file = path.join(cacheDir, `${name}.json`)
    const cached = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { graphSha: string; pixelStats?: string; rows: Row[] }) : null
    if (cached !== null && cached.graphSha === graphSha && cached.pixelStats === PIXEL_STATS_ID) {
      data[name] = cached.rows
      continue
    }
    e ??= await engine()
    const t0 = Date.now()
    data[name] = await rowsOf(e, modelId, card, make(), batch)
    writeFileSync(file, JSON.stringify({ graphSha, pixelStats: PIXEL_STATS_ID, rows: data[name] }))
    console.log(`${name}: ${data[name].length} images, ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  }
  await e?.close()
  return data
}
