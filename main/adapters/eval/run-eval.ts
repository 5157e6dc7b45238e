/**
 * `mamba-lens eval`: every image of a split through the explainer (once per class), every method's map
 * scored for localisation, class contrast and hot spot; an evenly spread subset also through the
 * perturbation tests (perturbed inputs batched through the classifier graph). One JSON record per image
 * under `<out>/images/` makes the run resumable; `<out>/maps/` keeps each method's 14×14 patch map per
 * image for later analyses (derived from the images: never commit it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { lesionPatchesOf, localise, perturbationInputs, scorePerturbation, type MapPair, type PerturbationSetup } from '../../core/eval/image-eval'
import { topPatch } from '../../core/eval/hotspot'
import { spearman } from '../../core/eval/rank'
import type { ImageRecord, MethodImageRecord } from '../../core/eval/records'
import { softmax } from '../../core/eval/softmax'
import { makeLayout, type TokenLayout } from '../../core/layout'
import { argmax } from '../../core/tensor/stats'
import type { ModelEntry } from '../models/registry'
import type { InputSpec } from '../preprocess/model-input'
import type { EvalItem } from './dataset'
import type { EvalGraphs } from './graphs'
import { loadMask, loadModelInput } from './input'
import { isMultiRun, mapOf, multiRunMap, tapSetOf } from './maps'

/** What one evaluation needs besides the images. */
export interface EvalContext {
  readonly entry: ModelEntry
  readonly graphs: EvalGraphs
  readonly methodIds: readonly string[]
  readonly out: string
  /** Ids of the images that also get the perturbation tests. */
  readonly perturbationIds: ReadonlySet<string>
  /** Ids of further images that get the multi-run methods (localisation, class contrast, hot spot only). */
  readonly multiRunIds?: ReadonlySet<string>
  readonly setup: PerturbationSetup
  progress(done: number, total: number, label: string): void
}

/** The card's input as the preprocessing adapter wants it. */
export function inputSpecOf(entry: ModelEntry): InputSpec {
  const c = entry.card.input
  return { width: c.shape[3], height: c.shape[2], resize: c.resize, mean: c.mean, std: c.std }
}

export function layoutOf(entry: ModelEntry): TokenLayout {
  return makeLayout(entry.card.grid[0], entry.card.grid[1])
}

/** File-system-safe record name of an image id. */
export function recordName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`
}

function oneHot(classes: number, c: number): number[] {
  return Array.from({ length: classes }, (_, i) => (i === c ? 1 : 0))
}

/** Maps of every method for the explained class and for the runner-up class. */
async function mapsOf(ctx: EvalContext, imageId: string, input: Float32Array): Promise<{ explained: number; probability: number; maps: Map<string, [MapPair, MapPair]>; logits: Float32Array }> {
  const card = ctx.entry.card
  const layout = layoutOf(ctx.entry)
  const [, , h, w] = card.input.shape
  const classes = card.classes.length
  const first = await ctx.graphs.explain(input, oneHot(classes, 0))
  const logits = first['logits']!.data
  const explained = argmax(logits)
  const probs = softmax(logits)
  // The contrast class: the runner-up (for two classes simply the other one).
  const other = argmax(probs.map((p, i) => (i === explained ? -1 : p)))
  const runs = new Map<number, Record<string, import('../../core/tensor/f32').F32Tensor>>([[0, first]])
  for (const c of [explained, other]) if (!runs.has(c)) runs.set(c, await ctx.graphs.explain(input, oneHot(classes, c)))
  const tapsOf = (c: number) => tapSetOf(runs.get(c)!, layout, card.layers, card.gradFirstLayer)
  const maps = new Map<string, [MapPair, MapPair]>()
  for (const id of ctx.methodIds) {
    if (isMultiRun(id)) {
      maps.set(id, [await multiRunMap(id, imageId, input, explained, ctx.entry, ctx.graphs.explain), await multiRunMap(id, imageId, input, other, ctx.entry, ctx.graphs.explain)])
    } else {
      maps.set(id, [mapOf(id, tapsOf(explained), h, w), mapOf(id, tapsOf(other), h, w)])
    }
  }
  return { explained, probability: probs[explained]!, maps, logits: Float32Array.from(logits) }
}

/** What `<out>/maps/<id>.json` holds: each method's patch map for the explained and the contrast class. */
export interface PatchMaps {
  readonly explained: Readonly<Record<string, number[]>>
  readonly other: Readonly<Record<string, number[]>>
}

async function evaluateImage(ctx: EvalContext, item: EvalItem): Promise<{ record: ImageRecord; patchMaps: PatchMaps }> {
  const spec = inputSpecOf(ctx.entry)
  const input = await loadModelInput(item.imagePath, spec)
  const mask = item.maskPath !== undefined ? await loadMask(item.maskPath, spec) : undefined
  const { explained, probability, maps } = await mapsOf(ctx, item.id, input)
  const methods: Record<string, MethodImageRecord> = {}
  for (const [id, [map, contrastMap]] of maps) {
    const c = spearman(map.patch, contrastMap.patch)
    methods[id] = {
      topPatch: topPatch(map.patch),
      classContrast: Number.isFinite(c) ? c : null,
      ...(mask !== undefined ? { localisation: localise(map, mask, ctx.setup.grid) } : {}),
    }
  }
  if (ctx.perturbationIds.has(item.id)) {
    const blank = new Float32Array(input.length)
    const plane = input.length / 3
    for (let c = 0; c < 3; c++) blank.fill(ctx.setup.fill[c]!, c * plane, (c + 1) * plane)
    const [blankLogits] = await ctx.graphs.classify([blank])
    const ends = { original: probability, blank: softmax(blankLogits!)[explained]! }
    // Every method's perturbed inputs in one call, so that a GPU gets large batches (graphs.ts).
    const sets = [...maps].map(([id, [map]]) => [id, perturbationInputs(input, map, ctx.setup)] as const)
    const logits = await ctx.graphs.classify(sets.flatMap(([, xs]) => xs))
    let at = 0
    for (const [id, xs] of sets) {
      methods[id] = { ...methods[id]!, perturbation: scorePerturbation(logits.slice(at, at + xs.length), item.label, explained, ends) }
      at += xs.length
    }
  }
  const round = (m: MapPair): number[] => Array.from(m.patch, (v) => Math.fround(v))
  const patchMaps: PatchMaps = {
    explained: Object.fromEntries([...maps].map(([id, [m]]) => [id, round(m)])),
    other: Object.fromEntries([...maps].map(([id, [, m]]) => [id, round(m)])),
  }
  const lesion = mask !== undefined ? { lesionPatches: lesionPatchesOf(mask, ctx.setup.grid) } : {}
  const g = ctx.graphs.graphs
  const computedOn = `${g.provider}: ${g.explainer}, ${g.classifier}`
  return { record: { id: item.id, label: item.label, explained, probability, methods, ...lesion, computedOn }, patchMaps }
}

/**
 * Methods of `ctx` that `rec` lacks (or lacks the perturbation of, for a perturbation image). Multi-run
 * methods (integrated gradients, SmoothGrad) run only on the perturbation subset and `multiRunIds` (CPU budget).
 */
function missingMethods(ctx: EvalContext, item: EvalItem, rec: ImageRecord | undefined): string[] {
  const pert = ctx.perturbationIds.has(item.id)
  const multi = pert || ctx.multiRunIds?.has(item.id) === true
  return ctx.methodIds.filter((id) => (multi || !isMultiRun(id)) && (rec?.methods[id] === undefined || (pert && rec.methods[id].perturbation === undefined)))
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined
}

/**
 * Evaluates `items`. With `resume`, an image's stored record is kept and only the methods it lacks are
 * computed and merged in (so adding a method or the perturbation subset does not redo the rest).
 */
export async function evaluateImages(ctx: EvalContext, items: readonly EvalItem[], resume: boolean): Promise<ImageRecord[]> {
  const recDir = join(ctx.out, 'images')
  const mapDir = join(ctx.out, 'maps')
  mkdirSync(recDir, { recursive: true })
  mkdirSync(mapDir, { recursive: true })
  const records: ImageRecord[] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const file = join(recDir, recordName(item.id))
    const mapFile = join(mapDir, recordName(item.id))
    ctx.progress(i, items.length, item.id)
    const old = resume ? readJson<ImageRecord>(file) : undefined
    const missing = missingMethods(ctx, item, old)
    if (old !== undefined && missing.length === 0) {
      // Records written before the hot-spot statistic knew the lesion: add it (mask only, no graph run).
      const done = old.lesionPatches !== undefined || item.maskPath === undefined ? old
        : { ...old, lesionPatches: lesionPatchesOf(await loadMask(item.maskPath, inputSpecOf(ctx.entry)), ctx.setup.grid) }
      if (done !== old) writeFileSync(file, JSON.stringify(done))
      records.push(done)
      continue
    }
    const { record, patchMaps } = await evaluateImage({ ...ctx, methodIds: missing }, item)
    const oldMaps = old !== undefined ? readJson<PatchMaps>(mapFile) : undefined
    const merged: ImageRecord = { ...record, methods: { ...old?.methods, ...record.methods } }
    writeFileSync(mapFile, JSON.stringify({
      explained: { ...oldMaps?.explained, ...patchMaps.explained }, other: { ...oldMaps?.other, ...patchMaps.other },
    }))
    writeFileSync(file, JSON.stringify(merged))
    records.push(merged)
  }
  ctx.progress(items.length, items.length, '')
  return records
}
