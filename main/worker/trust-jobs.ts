/**
 * The worker's trust steps (docs/TRUST.md): after an explain run, the verdict at the card's operating point,
 * the domain guard (pooled features from the classifier graph against the card's training statistics, plus
 * the declared modality and colour) and the agreement between the run's maps; on request, the quick deletion
 * check of one map (8 perturbed inputs in one batch through the classifier graph; 4 when the random control of
 * the same input is already known).
 */
import { createHash } from 'node:crypto'
import { join, dirname } from 'node:path'
import type { MethodResult } from '../core/engine/api'
import { agreementOf } from '../core/trust/agreement'
import { deletionPlan, greyFill, imageSeed, perturbedBatch, summarizeDeletion } from '../core/trust/deletion-check'
import { assessDomain, assessMetadataOnly, colourShare, NOT_ASSESSED, type DomainSpec, type DomainStats } from '../core/trust/domain'
import { pixelStatistics } from '../core/trust/pixel-stats'
import { evaluatedRecord } from '../core/trust/label'
import type { DomainAssessment, EvaluatedRecord, FaithfulnessCheck, MethodAgreement, RunTrust, Verdict } from '../core/trust/types'
import { softmax } from '../core/eval/softmax'
import { verdictOf } from '../core/trust/verdict'
import type { ModelCard } from '../adapters/models/card'
import { readDomainStats } from '../adapters/trust/domain-stats'
import type { JobContext, JobOutput } from './explain-job'
import { classifyJob } from './classify-job'
import type { LaneOutput } from './classifier-lane'
import { classifierKey, type LoadedModel } from './model-pool'
import type { FaithfulnessReq } from './protocol'

/** Domain statistics per loaded model (read once; small). */
const statsCache = new WeakMap<LoadedModel, DomainStats>()

function domainSpecOf(card: ModelCard): (DomainSpec & { stats: { file: string; sha256: string } }) | null {
  const d = card.domain
  if (d?.features === undefined || d.threshold === undefined) return null
  return {
    trainedOn: d.trainedOn, score: 'mahalanobis', threshold: d.threshold, stats: d.features,
    ...(d.pixelThreshold !== undefined ? { pixelThreshold: d.pixelThreshold } : {}),
    ...(d.secondOpinion !== undefined ? { secondOpinion: d.secondOpinion } : {}),
    ...(d.maxColourShare !== undefined ? { maxColourShare: d.maxColourShare } : {}),
  }
}

function statsOf(model: LoadedModel, file: string, sha256: string): DomainStats {
  let g = statsCache.get(model)
  if (g === undefined) {
    g = readDomainStats(join(dirname(model.spec.onnxPath), file), sha256)
    statsCache.set(model, g)
  }
  return g
}

/** What the worker knows about the input besides its pixels. */
export interface TrustInput {
  readonly tensor: Float32Array
  /** The RGB8 image as handed in (colour check); for tensor inputs the model-input preview. */
  readonly rgb: Uint8Array
  /** The 8-bit model input (what the model saw), for the pixel statistics. */
  readonly preview: Uint8Array
  readonly modality?: string
}

async function domainOf(ctx: JobContext, model: LoadedModel, input: TrustInput, logits: ArrayLike<number>, early: Promise<LaneOutput | null> | null): Promise<DomainAssessment> {
  const card = model.spec.card
  const facts = { ...(input.modality !== undefined ? { modality: input.modality } : {}), colourShare: colourShare(input.rgb) }
  const spec = domainSpecOf(card)
  const session = spec !== null ? await ctx.pool.classifierSession(model) : undefined
  if (spec === null || session === undefined) return card.domain !== undefined ? assessMetadataOnly(card.domain.trainedOn, facts, card.domain.maxColourShare) : NOT_ASSESSED
  const features = (await early)?.features ?? (await classifyJob({ kind: 'classify', model: model.spec, inputs: input.tensor, count: 1 }, ctx)).value.features
  const [, , height, width] = card.input.shape
  return assessDomain(spec, statsOf(model, spec.stats.file, spec.stats.sha256), features, logits, facts, pixelStatistics(input.preview, width, height))
}

/**
 * Verdict, domain, agreement and evaluation records of a finished explain run. `earlyFeatures`: the classifier's
 * answer for this input, started on its second lane while the explainer ran (null: not started).
 */
export async function runTrust(
  ctx: JobContext, model: LoadedModel, input: TrustInput, logits: Float32Array, methods: readonly MethodResult[], earlyFeatures: Promise<LaneOutput | null> | null = null,
): Promise<{ verdict: Verdict; trust: RunTrust; probabilities: number[] }> {
  const card = model.spec.card
  const domain = await domainOf(ctx, model, input, logits, earlyFeatures)
  const verdict = verdictOf(logits, card.classes, card.operatingPoint, domain.inDomain !== false)
  const agreement: Record<string, MethodAgreement> = {}
  const evaluated: Record<string, EvaluatedRecord> = {}
  for (const m of methods) {
    agreement[m.methodId] = agreementOf(m.methodId, methods)
    evaluated[m.methodId] = evaluatedRecord((card as Record<string, unknown>)['evaluation'], m.methodId)
  }
  return { verdict, trust: { domain, agreement, evaluated }, probabilities: Array.from(softmax(logits)) }
}

/** Default fill when the card names no mean grey: mid grey. */
const MID_GREY = 128

/**
 * Probabilities of the random control per (model, input, class): the random patches depend on the input
 * alone (seeded by it), not on the map, so the other methods of the same input need only their own
 * relevance-ordered inputs — 4 instead of 8. A few inputs are kept (the CLI checks every method of one
 * input in a row; the app, the methods of the shown input).
 */
const randomControl = new Map<string, Float64Array>()
const RANDOM_CONTROL_KEPT = 8

function rememberRandom(key: string, probs: Float64Array): void {
  randomControl.delete(key)
  randomControl.set(key, probs)
  while (randomControl.size > RANDOM_CONTROL_KEPT) randomControl.delete(randomControl.keys().next().value!)
}

/** The quick deletion check of one map; null when the model has no classifier graph. */
export async function faithfulnessJob(req: FaithfulnessReq, ctx: JobContext): Promise<JobOutput<FaithfulnessCheck | null>> {
  const t0 = performance.now()
  const { model } = await ctx.pool.ensure(req.model)
  if ((await ctx.pool.classifierSession(model)) === undefined) return { value: null, transfer: [] }
  const card = model.spec.card
  const [, , height, width] = card.input.shape
  const grey = card.domain?.meanGrey ?? MID_GREY
  const plan = deletionPlan(req.patchRelevance, imageSeed(req.tensor))
  const n = plan.fractions.length
  const graph = classifierKey(model)
  const key = `${model.spec.id}|${graph !== undefined ? card[graph]?.sha256 : ''}|${grey}|${req.classIndex}|${createHash('sha256').update(new Uint8Array(req.tensor.buffer, req.tensor.byteOffset, req.tensor.byteLength)).digest('hex')}`
  const known = randomControl.get(key)
  // Relevance-ordered sets first (deletionPlan), so without a known control the batch is the whole plan.
  const runSets = known === undefined ? plan.sets : plan.sets.slice(0, n)
  const batch = perturbedBatch(req.tensor, { gridRows: card.grid[0], gridCols: card.grid[1], patchSize: card.patchSize, width, height }, { ...plan, sets: runSets }, greyFill(grey, card.input.mean, card.input.std))
  const out = (await classifyJob({ kind: 'classify', model: model.spec, inputs: batch, count: runSets.length }, ctx)).value
  const ran = runSets.map((_, i) => softmax(out.logits.subarray(i * out.classes, (i + 1) * out.classes))[req.classIndex]!)
  const random = known ?? Float64Array.from(ran.slice(n))
  rememberRandom(key, random)
  const probs = [...ran.slice(0, n), ...random]
  const fill = `grey ${grey.toFixed(1)}/255 (${card.domain?.meanGrey !== undefined ? 'training split mean' : 'mid grey: the card names no mean'})`
  return { value: summarizeDeletion(req.methodId, req.classIndex, req.original, plan, probs, fill, performance.now() - t0), transfer: [] }
}
