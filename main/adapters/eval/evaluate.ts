/**
 * One whole evaluation job: items of the split → per-image records (resumable) → optional sanity
 * cascade → summaries → `results.json`, `report.md` and SVG curves in the output folder.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cardMethods } from '../../core/eval/card-block'
import { ciSubset } from '../../core/eval/ci-subset'
import { CURVE_FRACTIONS, PERTURBATION_FRACTIONS } from '../../core/eval/perturbation'
import { renderReport, type MarksSummary } from '../../core/eval/report'
import { rankMethods, summarise, type MethodSummary } from '../../core/eval/summary'
import { lineChart } from '../../core/eval/svg-curves'
import type { ModelEntry } from '../models/registry'
import type { ExecutionProvider } from '../../core/engine/api'
import { readEvalItems, type CardSplit, type EvalItem, type SplitName } from './dataset'
import { openEvalGraphs } from './graphs'
import { loadModelInput } from './input'
import { evalLabel, isMultiRun, isReferenceMap, needsInputGradient } from './maps'
import { evaluateImages, inputSpecOf, layoutOf, recordName } from './run-eval'
import type { ImageRecord } from '../../core/eval/records'
import { runSanity } from './sanity'

export interface EvalJob {
  readonly entry: ModelEntry
  readonly dataDir: string
  readonly datasetName: string
  readonly split: SplitName
  readonly methodIds: readonly string[]
  readonly out: string
  readonly limit?: number
  readonly resume: boolean
  /**
   * Images last to first. A resumed run reads each image's record when it reaches it, so a second process
   * with `reverse` on the same output folder skips what the first finished: the two meet in the middle.
   */
  readonly reverse?: boolean
  /** Images (evenly spread over the split) that also get the perturbation tests; 0 = none. */
  readonly perturbationN: number
  /** Further images (evenly spread) that get integrated gradients and SmoothGrad besides the perturbation ones. */
  readonly multiRunN?: number
  /** Folder with `cascade.json` of randomised graphs; absent = no randomisation test. */
  readonly sanityCascade?: string
  readonly sanityN: number
  /** Of the sanity images (evenly spread), how many also put integrated gradients and SmoothGrad through the cascade. */
  readonly sanityMultiRunN?: number
  /** Execution provider (its GPU-shaped graphs where the card has them: graphs.ts). Default cpu. */
  readonly provider?: ExecutionProvider
  /**
   * This process computes only the images whose index in the split is ≡ index (mod count); every shard agrees on
   * which images get which tests. A shard writes records only: a run without shard (--resume) reads them all and
   * writes the report. Lets several processes share one GPU, whose time per run is mostly host time per node.
   */
  readonly shard?: { readonly index: number; readonly count: number }
  /**
   * The perturbation (and multi-run) images are those whose records already hold perturbation results
   * for every method, instead of an even spread of perturbationN: for reporting a run that was stopped part way
   * (the report states their n; its fill stays the one they were scored with). Likewise the randomisation images: those
   * of them whose randomisation records are complete (sanityN is not used); nothing is computed for them.
   */
  readonly recordedOnly?: boolean
  /** The command line, for the report. */
  readonly command: string
  readonly date: string
}

export interface EvalOutcome {
  readonly summaries: readonly MethodSummary[]
  readonly defaultMethod: string | undefined
  readonly images: number
  /** True for a shard's run: records written, no report. */
  readonly shard?: boolean
}

/** `count` indices spread evenly over `0..n−1`. */
export function spread<T>(items: readonly T[], count: number): T[] {
  const k = Math.min(count, items.length)
  return Array.from({ length: k }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / k)]!)
}

/** Per-channel mean of the normalised inputs: the data set's mean grey, as a normalised fill. */
async function meanFill(job: EvalJob, items: readonly EvalItem[]): Promise<number[]> {
  const file = join(job.out, 'setup.json')
  if (job.resume && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { fill: number[]; images?: number }
    // Resumed records were scored against this fill; other perturbation images would need another one.
    if (saved.images !== undefined && saved.images !== items.length) {
      throw new Error(`${file}: the fill is the mean of ${saved.images} perturbation images, this run has ${items.length} (use another --out)`)
    }
    return saved.fill
  }
  const spec = inputSpecOf(job.entry)
  const sums = [0, 0, 0]
  let count = 0
  for (const it of items) {
    const x = await loadModelInput(it.imagePath, spec)
    const plane = x.length / 3
    for (let c = 0; c < 3; c++) for (let i = 0; i < plane; i++) sums[c]! += x[c * plane + i]!
    count += plane
  }
  const fill = sums.map((s) => (count === 0 ? 0 : s / count))
  // Shards start together and compute the same fill: write whole (rename), never a torn file.
  writeFileSync(`${file}.${process.pid}`, JSON.stringify({ fill, images: items.length }))
  renameSync(`${file}.${process.pid}`, file)
  return fill
}

const labelOf = evalLabel

/** Items whose stored record has perturbation results for every method of the job (recordedOnly). */
function perturbedRecords(job: EvalJob, items: readonly EvalItem[]): EvalItem[] {
  return items.filter((it) => {
    const file = join(job.out, 'images', recordName(it.id))
    if (!existsSync(file)) return false
    const rec = JSON.parse(readFileSync(file, 'utf8')) as ImageRecord
    return job.methodIds.every((id) => rec.methods[id]?.perturbation !== undefined)
  })
}

/** Those of `items` whose randomisation file holds every step of the cascade for every method of `methodIds` (recordedOnly). */
function sanityRecords(out: string, cascadeDir: string, items: readonly EvalItem[], methodIds: readonly string[]): EvalItem[] {
  const steps = (JSON.parse(readFileSync(join(cascadeDir, 'cascade.json'), 'utf8')) as { steps: { name: string }[] }).steps
  return items.filter((it) => {
    const file = join(out, 'sanity', recordName(it.id))
    if (!existsSync(file)) return false
    const rec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, number | null> | undefined>
    return steps.every((st) => methodIds.every((id) => rec[st.name]?.[id] !== undefined))
  })
}

/** The fill the stored perturbation records were scored with, and of how many images it is the mean (recordedOnly). */
function savedFill(job: EvalJob): { fill: number[]; images?: number } {
  const file = join(job.out, 'setup.json')
  if (!existsSync(file)) throw new Error(`${file}: no stored fill; --recorded-only reports an earlier run's perturbation records`)
  return JSON.parse(readFileSync(file, 'utf8')) as { fill: number[]; images?: number }
}

/** "cuda: gpuGraph, gpuClassifierGraph (376 images)" per distinct value. */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].map(([v, n]) => `${v} (${n} images)`).join('; ')
}

function writeCharts(out: string, ms: readonly MethodSummary[], sanitySteps: readonly string[]): void {
  const per = ms.filter((m) => m.perturbation !== null)
  const series = (pick: (m: MethodSummary) => number[]) => per.map((m) => ({ label: labelOf(m.id), ys: pick(m) }))
  if (per.length > 0) {
    const n = per[0]!.perturbation!.n
    writeFileSync(join(out, 'perturbation-positive.svg'), lineChart(`Positive perturbation (most relevant first), n = ${n}`, '% of pixels blacked out', 'accuracy', [...PERTURBATION_FRACTIONS], series((m) => m.perturbation!.positive.accuracy)))
    writeFileSync(join(out, 'perturbation-negative.svg'), lineChart(`Negative perturbation (least relevant first), n = ${n}`, '% of pixels blacked out', 'accuracy', [...PERTURBATION_FRACTIONS], series((m) => m.perturbation!.negative.accuracy)))
    writeFileSync(join(out, 'deletion.svg'), lineChart(`Deletion (most relevant patches first), n = ${n}`, '% of patches replaced by mean grey', 'p(explained class)', [...CURVE_FRACTIONS], series((m) => m.perturbation!.deletionCurve)))
    writeFileSync(join(out, 'insertion.svg'), lineChart(`Insertion (most relevant patches first), n = ${n}`, '% of patches revealed on mean grey', 'p(explained class)', [...CURVE_FRACTIONS], series((m) => m.perturbation!.insertionCurve)))
  }
  const san = ms.filter((m) => m.sanity !== null)
  if (san.length > 0) {
    // Step k of K at k/K: the first point already has the head re-drawn (0 would read as "nothing randomised").
    const xs = sanitySteps.map((_, i) => (i + 1) / sanitySteps.length)
    // A method on fewer images than the others (the multi-run ones: --sanity-multi-run-n) says so in its label.
    const n = san[0]!.sanity!.n
    const label = (m: MethodSummary) => (m.sanity!.spearmanFullyRandomised.n < n ? `${labelOf(m.id)} (n = ${m.sanity!.spearmanFullyRandomised.n})` : labelOf(m.id))
    writeFileSync(join(out, 'sanity.svg'), lineChart(`Cascading randomisation (${sanitySteps[0]} … ${sanitySteps[sanitySteps.length - 1]}), n = ${n}`,
      `% of the cascade's steps re-drawn (${sanitySteps.join(', ')})`, 'Spearman ρ with the trained map (below 0 drawn at 0)', xs, san.map((m) => ({ label: label(m), ys: m.sanity!.steps.map((s) => Math.max(0, s.spearman.value)) }))))
  }
}

/** Runs `job`; `progress` gets (done, total, stage label). */
export async function runEvalJob(job: EvalJob, progress: (done: number, total: number, label: string) => void): Promise<EvalOutcome> {
  mkdirSync(job.out, { recursive: true })
  const raw = job.entry.info.card as { data?: { split?: CardSplit } }
  const all = readEvalItems(job.dataDir, job.split, job.entry.card.classes, raw.data?.split ?? {})
  const items = job.limit !== undefined ? all.slice(0, job.limit) : all
  const pert = job.recordedOnly === true ? perturbedRecords(job, items) : spread(items, job.perturbationN)
  const saved = job.recordedOnly === true ? savedFill(job) : undefined
  const fill = saved !== undefined ? saved.fill : pert.length > 0 ? await meanFill(job, pert) : [0, 0, 0]
  // A stopped run's fill is the mean of the images its run was started over, not of those it finished.
  const fillImages = saved?.images ?? pert.length
  const layout = layoutOf(job.entry)
  const provider = job.provider ?? 'cpu'
  const shard = job.shard ?? { index: 0, count: 1 }
  const mine = items.filter((_, i) => i % shard.count === shard.index)
  const graphs = await openEvalGraphs(job.entry, provider)
  // Images with integrated gradients and SmoothGrad: the perturbation images and multiRunN more (CPU budget).
  const multiRunIds = new Set([...pert, ...(job.recordedOnly === true ? [] : spread(items, job.multiRunN ?? 0))].map((p) => p.id))
  let records
  try {
    records = await evaluateImages({
      entry: job.entry, graphs, methodIds: job.methodIds, out: job.out, perturbationIds: new Set(pert.map((p) => p.id)),
      multiRunIds,
      setup: { grid: { rows: layout.gridRows, cols: layout.gridCols, patchSize: job.entry.card.patchSize }, norm: job.entry.card.input, fill },
      progress,
    }, job.reverse === true ? [...mine].reverse() : mine, job.resume)
    if (job.reverse === true) records.reverse()
  } finally {
    await graphs.close()
  }
  const sanityMethods = job.methodIds.filter((id) => !isMultiRun(id))
  const multiRunMethods = job.methodIds.filter(isMultiRun)
  // A stopped run's report uses the randomisation records it has, wherever they are, and computes none.
  const recorded = job.recordedOnly === true && job.sanityCascade !== undefined
  const sanityItems = recorded ? sanityRecords(job.out, job.sanityCascade!, pert, sanityMethods) : spread(pert.length > 0 ? pert : items, job.sanityN)
  // Multi-run methods need 8 runs per map, step and image: they go through the cascade on a subset (CPU budget) of
  // the images whose trained multi-run maps exist.
  const multiRunSanity = recorded ? sanityRecords(job.out, job.sanityCascade!, sanityItems, multiRunMethods)
    : spread(sanityItems.filter((it) => multiRunIds.has(it.id)), job.sanityMultiRunN ?? 0)
  const sanity = job.sanityCascade !== undefined
    // The cascade must be re-drawn from the evaluated graph (for gradient × input: from the --input-gradient variant).
    ? await runSanity({
      entry: job.entry, cascadeDir: job.sanityCascade, items: sanityItems,
      compute: new Set(job.recordedOnly === true ? [] : mine.map((it) => it.id)), methodIds: sanityMethods, out: job.out, provider,
      ...(multiRunMethods.length > 0 && multiRunSanity.length > 0 ? { multiRunMethods, multiRunItems: new Set(multiRunSanity.map((it) => it.id)) } : {}),
    }, progress)
    : undefined
  if (shard.count > 1) return { summaries: [], defaultMethod: undefined, images: mine.length, shard: true }
  if (job.sanityCascade !== undefined && sanity === undefined) throw new Error('randomisation records are missing for some sanity images')
  const summaries = summarise(job.methodIds, records, layout.gridCols, sanity)
  const references = job.methodIds.filter((id) => isReferenceMap(id) || id === 'random-baseline')
  const random = summaries.find((m) => m.id === 'random-baseline')
  const ranking = rankMethods(summaries.filter((m) => !references.includes(m.id)), random)
  const defaultMethod = ranking[0]?.id
  const meta = {
    model: job.entry.id, modelSha256: job.entry.card.sha256, dataset: job.datasetName, split: job.split, images: items.length, date: job.date,
    command: job.command, computedOn: tally(records.map((r) => r.computedOn ?? 'cpu: explainer, classifierGraph (before records named it)')),
    classifier: graphs.classifierKind === 'classifier' ? 'the batch-dynamic classifier graph' : `the ${graphs.classifierKind} graph, one image per run`,
    fillNote: pert.length > 0 ? `the mean of the ${fillImages} images the perturbation run was started over (normalised ${fill.map((v) => v.toFixed(3)).join(', ')})` : 'not used',
    labels: Object.fromEntries(job.methodIds.map((id) => [id, labelOf(id)])), references,
  }
  writeFileSync(join(job.out, 'results.json'), `${JSON.stringify({
    ...meta, perturbationImages: pert.length, sanityImages: sanity?.images ?? 0, sanitySteps: sanity?.steps ?? [],
    methods: summaries, ranking, defaultMethod, cardEvaluation: cardMethods(summaries),
  }, null, 1)}\n`)
  const ciExcluded = Object.fromEntries(job.methodIds.filter(needsInputGradient).map((id) => [id,
    'needs the input-gradient outputs (grad_image / grad_input), which the shipped graph CI runs does not have']))
  writeFileSync(join(job.out, 'ci-subset.json'), `${JSON.stringify(ciSubset(records, fill, ciExcluded), null, 1)}\n`)
  // Mark shares come from a later step (`vimlens.eval_marks` reads this run's maps); a resumed run adds them.
  const marksFile = join(job.out, 'marks.json')
  const marks = existsSync(marksFile) ? (JSON.parse(readFileSync(marksFile, 'utf8')) as MarksSummary) : undefined
  writeFileSync(join(job.out, 'report.md'), renderReport(meta, summaries, ranking, defaultMethod, marks))
  writeCharts(job.out, summaries, sanity?.steps ?? [])
  return { summaries, defaultMethod, images: items.length }
}
