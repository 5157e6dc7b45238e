/**
 * Cascading model-parameter randomisation (Adebayo et al. 2018): explainer graphs of the same model with
 * its parameters re-drawn from the top down (head first, then the blocks from the last one, finally the
 * embedding), written by `python -m vimlens.randomise` with a `cascade.json` that lists the steps in order.
 * For each step and method, the Spearman correlation of the 14×14 map with the trained model's map for
 * the same image and explained class. One JSON per step under `<out>/sanity/` makes it resumable.
 * The multi-run methods (integrated gradients, SmoothGrad: 8 runs per map) go through the cascade only on the
 * job's `multiRunItems`; on the other images their value is absent, and the summary's n says on how many they rest.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ExecutionProvider } from '../../core/engine/api'
import { spearman } from '../../core/eval/rank'
import type { SanityRecord } from '../../core/eval/records'
import type { ModelEntry } from '../models/registry'
import type { EvalItem } from './dataset'
import { openExplainer } from './graphs'
import { loadModelInput } from './input'
import { isMultiRun, mapOf, multiRunMap, tapSetOf } from './maps'
import { inputSpecOf, layoutOf, recordName, type PatchMaps } from './run-eval'

/** `cascade.json` written by the randomisation exporter. */
interface Cascade {
  readonly steps: readonly { readonly name: string; readonly file: string }[]
}

/** Per image: the explained class and each method's trained-model patch map (from `<out>/maps`). */
interface Trained {
  readonly item: EvalItem
  readonly explained: number
  readonly maps: Readonly<Record<string, number[]>>
}

function readTrained(out: string, item: EvalItem): Trained {
  const rec = JSON.parse(readFileSync(join(out, 'images', recordName(item.id)), 'utf8')) as { explained: number }
  const maps = JSON.parse(readFileSync(join(out, 'maps', recordName(item.id)), 'utf8')) as PatchMaps
  return { item, explained: rec.explained, maps: maps.explained }
}

/** `<out>/sanity/<image>.json`: step name → method → Spearman ρ (null where a map is constant). */
type ImageSanity = Record<string, Record<string, number | null>>

/** What the cascade of `cascadeDir` gives for `items` (already evaluated on the trained model), every step. */
export interface SanityJob {
  readonly entry: ModelEntry
  readonly cascadeDir: string
  /** Every sanity image of the run (the record covers them all). */
  readonly items: readonly EvalItem[]
  /** The ones this process computes (its shard); the others' files must exist when the record is read. */
  readonly compute: ReadonlySet<string>
  /** Single-run methods: on every image. */
  readonly methodIds: readonly string[]
  /** Multi-run methods (isMultiRun): on `multiRunItems` only. */
  readonly multiRunMethods?: readonly string[]
  readonly multiRunItems?: ReadonlySet<string>
  readonly out: string
  readonly provider: ExecutionProvider
}

/** Runs the steps of the cascade on the job's own images (resumable), then reads every image's file. */
export async function runSanity(job: SanityJob, progress: (done: number, total: number, label: string) => void): Promise<SanityRecord | undefined> {
  const { entry, methodIds, out } = job
  const cascade = JSON.parse(readFileSync(join(job.cascadeDir, 'cascade.json'), 'utf8')) as Cascade
  const dir = join(out, 'sanity')
  mkdirSync(dir, { recursive: true })
  const fileOf = (it: EvalItem) => join(dir, recordName(it.id))
  const read = (it: EvalItem): ImageSanity => (existsSync(fileOf(it)) ? (JSON.parse(readFileSync(fileOf(it), 'utf8')) as ImageSanity) : {})
  const mine = job.items.filter((it) => job.compute.has(it.id))
  const multi = job.multiRunMethods ?? []
  const wanted = (it: EvalItem): readonly string[] => (job.multiRunItems?.has(it.id) === true ? [...methodIds, ...multi] : methodIds)
  // Each image's stored results, its trained maps and its model input are read once, not once per step.
  const saved = new Map(mine.map((it) => [it.id, read(it)]))
  const trained = new Map<string, { t: Trained; input: Float32Array }>()
  const card = entry.card
  const layout = layoutOf(entry)
  const [, , h, w] = card.input.shape
  const spec = inputSpecOf(entry)
  for (let s = 0; s < cascade.steps.length; s++) {
    const step = cascade.steps[s]!
    progress(s, cascade.steps.length, `randomised: ${step.name}`)
    const todo = mine.filter((it) => wanted(it).some((id) => saved.get(it.id)![step.name]?.[id] === undefined))
    if (todo.length === 0) continue
    const graph = await openExplainer(entry, resolve(job.cascadeDir, step.file), job.provider)
    try {
      for (const it of todo) {
        if (!trained.has(it.id)) trained.set(it.id, { t: readTrained(out, it), input: await loadModelInput(it.imagePath, spec) })
        const { t, input } = trained.get(it.id)!
        // Only what this step lacks (a resumed run may add multi-run images to finished ones); one run gives every single-run map.
        const missing = wanted(it).filter((id) => saved.get(it.id)![step.name]?.[id] === undefined)
        const taps = missing.some((id) => !isMultiRun(id))
          ? tapSetOf(await graph.explain(input, card.classes.map((_, c) => (c === t.explained ? 1 : 0))), layout, card.layers, card.gradFirstLayer)
          : undefined
        const rhos: Record<string, number | null> = {}
        for (const id of missing) {
          const map = isMultiRun(id) ? await multiRunMap(id, it.id, input, t.explained, entry, graph.explain) : mapOf(id, taps!, h, w)
          const r = spearman(t.maps[id]!, map.patch)
          rhos[id] = Number.isFinite(r) ? r : null
        }
        const before = saved.get(it.id)!
        const after = { ...before, [step.name]: { ...before[step.name], ...rhos } }
        saved.set(it.id, after)
        writeFileSync(fileOf(it), JSON.stringify(after))
      }
    } finally {
      await graph.close()
    }
  }
  progress(cascade.steps.length, cascade.steps.length, '')
  // A shard's run records its images only; the record over all of them is read once every shard is done.
  const all = job.items.map((it) => saved.get(it.id) ?? read(it))
  if (all.some((r, i) => cascade.steps.some((st) => wanted(job.items[i]!).some((id) => r[st.name]?.[id] === undefined)))) return undefined
  const ids = [...methodIds, ...(job.multiRunItems !== undefined && job.multiRunItems.size > 0 ? multi : [])]
  const spearmanById = Object.fromEntries(ids.map((id) => [id, cascade.steps.map((st) => all.map((r) => r[st.name]?.[id] ?? null))]))
  return { steps: cascade.steps.map((st) => st.name), spearman: spearmanById, images: job.items.length }
}
