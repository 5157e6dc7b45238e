/**
 * Model card (`models/<id>.json`, STYLE.md §1.4): parsed at the boundary with a schema, then checked for
 * internal consistency (token layout, class count). Unknown fields are kept (shown to the user) but
 * never interpreted. A malformed card is `model/manifest-invalid`.
 */
import { z } from 'zod'
import { AppError } from '../../core/errors'
import { assertLayout, makeLayout } from '../../core/layout'
import { RESIZE_POLICIES } from '../../core/preprocess/resize-plan'

const dim = z.number().int().nonnegative()
const fileName = z.string().min(1).refine((s) => !/[\\/]/.test(s) && s !== '..' && s !== '.', 'must be a file name in the models folder')

const outputSpec = z.looseObject({ shape: z.array(dim), meaning: z.string().optional() })

/** Every graph a card names carries its sha256, checked before the graph is opened (issue 16). */
const matricesGraph = z.looseObject({
  file: fileName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/i),
  /** Token order of the output's direction-1 matrices: 'scan' (GRAPH_CONTRACT default) or 'original'. */
  order: z.enum(['scan', 'original']).optional(),
  output: z.string().optional(),
})

/**
 * Optional forward-only variant of the explainer (same weights; no `target` input, no gradient or LRP
 * outputs): what class-agnostic requests run, measured ~1.7× faster on Vim-T (docs/GRAPH_CONTRACT.md).
 */
const forwardGraph = z.looseObject({
  file: fileName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/i),
  outputs: z.array(z.string().min(1)).min(1),
})

/**
 * Trust fields (docs/TRUST.md): the operating point of the verdict and the domain the guard checks inputs
 * against (statistics of the classifier graph's features on the training split).
 */
const operatingPoint = z.looseObject({ positiveClass: dim, threshold: z.number().min(0).max(1), rule: z.string().optional(), calibrated: z.boolean().optional() })
const domain = z.looseObject({
  trainedOn: z.looseObject({ name: z.string().min(1).optional(), modality: z.string().min(1), colour: z.enum(['grey', 'colour']), view: z.string().optional(), description: z.string().optional() }),
  features: z.looseObject({ file: fileName, sha256: z.string().regex(/^[0-9a-f]{64}$/i) }).optional(),
  score: z.literal('mahalanobis').optional(),
  threshold: z.number().positive().optional(),
  secondOpinion: z.looseObject({ score: z.literal('energy'), threshold: z.number() }).optional(),
  pixelThreshold: z.number().positive().optional(),
  maxColourShare: z.number().min(0).max(1).optional(),
  /** Grey level (0–255) of the training split's mean pixel: what the quick deletion check fills patches with. */
  meanGrey: z.number().min(0).max(255).optional(),
})

/**
 * Optional batch classifier (same weights; input [N, C, H, W] with N dynamic; outputs `logits` [N, classes]
 * and `features` [N, D], the head's input): what perturbation curves, the quick deletion check and the
 * domain guard run (docs/GRAPH_CONTRACT.md, "Batch classifier graph").
 */
const classifierGraph = z.looseObject({
  file: fileName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/i),
})

/**
 * Optional GPU-shaped variant of the explainer (same weights, inputs and outputs; the selective scans
 * without a per-token loop, `export --gpu-variant`): what the providers it names run (docs/GPU.md).
 */
const gpuGraph = z.looseObject({
  file: fileName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/i),
  providers: z.array(z.enum(['cuda', 'dml', 'webgpu'])).min(1),
})

/**
 * Optional GPU-shaped batch classifier (`add_classifier --variant gpu-classifier`): the classifier's inputs
 * and outputs, its scans without a per-token loop; opened instead of classifierGraph where a session runs on
 * one of its providers (classifierGraphFor).
 */
const gpuClassifierGraph = gpuGraph.extend({ outputs: z.array(z.string().min(1)).min(1) })

const cardSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).optional(),
  name: z.string().min(1),
  file: fileName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/i),
  input: z.looseObject({
    name: z.string().min(1),
    shape: z.tuple([z.literal(1), z.literal(3), dim.positive(), dim.positive()]),
    mean: z.array(z.number()).length(3),
    std: z.array(z.number().positive()).length(3),
    resize: z.enum(RESIZE_POLICIES),
  }),
  target: z.looseObject({
    name: z.string().min(1),
    /** The graph explains its own argmax when `target` is all zeros (lets one run do top-1). */
    zeroMeansArgmax: z.boolean().optional(),
  }).optional(),
  classes: z.array(z.string()).min(1),
  layers: dim.positive(),
  tokens: dim.positive(),
  clsIndex: dim,
  grid: z.tuple([dim.positive(), dim.positive()]),
  patchSize: dim.positive(),
  gradFirstLayer: dim,
  outputs: z.record(z.string(), outputSpec),
  default: z.boolean().optional(),
  matricesGraph: matricesGraph.optional(),
  forwardGraph: forwardGraph.optional(),
  operatingPoint: operatingPoint.optional(),
  domain: domain.optional(),
  classifierGraph: classifierGraph.optional(),
  /** How a scan becomes model input (core/image/model-input.ts ScanInputPolicy); absent: the file's own window. */
  scanInput: z.enum(['file', 'full-range']).optional(),
  gpuGraph: gpuGraph.optional(),
  gpuClassifierGraph: gpuClassifierGraph.optional(),
})

/** A parsed, checked model card. */
export type ModelCard = z.infer<typeof cardSchema>

/** Normalised description of the optional weight-free matrices graph. */
export interface MatricesGraphSpec {
  readonly file: string
  readonly sha256: string
  readonly order: 'scan' | 'original'
  readonly output?: string
}

/** The matrices graph of a card, if any, with defaults applied. */
export function matricesGraphOf(card: ModelCard): MatricesGraphSpec | undefined {
  const m = card.matricesGraph
  if (m === undefined) return undefined
  return { file: m.file, sha256: m.sha256, order: m.order ?? 'scan', ...(m.output !== undefined ? { output: m.output } : {}) }
}

/**
 * Whether a session on `provider` runs the card's GPU-shaped explainer graph (gpuGraph) instead of the explainer:
 * where the card names that provider for it (a GPU runs the Scan graph's per-token loops slower than a CPU).
 */
export function usesGpuGraph(card: ModelCard, provider: string | undefined): boolean {
  return card.gpuGraph !== undefined && provider !== undefined && (card.gpuGraph.providers as readonly string[]).includes(provider)
}

/** The card entry of a batch classifier graph. */
export type ClassifierGraphKey = 'classifierGraph' | 'gpuClassifierGraph'

/**
 * From this many images per run on, the Scan classifier beats the GPU-shaped one on a GPU: the Scan graph's
 * cost there is host time per scan step (≈ 170 ms a run, whatever the batch up to 64), which the batch shares,
 * while the log-depth scans cost ≈ 5.5 ms per image. H100, default model: batch 16 Scan 178 ms vs GPU-shaped
 * 94 ms; 32: 182 vs ≈ 190; 128: 137 vs ≈ 700; 256: 988 vs 182 images/s (docs/GPU.md, docs/bench/gpu-h100-2026-12-07c).
 */
export const SCAN_CLASSIFIER_GPU_MIN_BATCH = 32

/**
 * Which batch classifier a session on `providers` (the chain, first = the one tried first) opens for runs of
 * `batch` images: the GPU-shaped one when it names that first provider and the batch is below
 * SCAN_CLASSIFIER_GPU_MIN_BATCH (on a GPU the Scan graph's per-token loops leave it idle for small batches;
 * on a CPU the Scan graph is the faster at any batch: docs/GPU.md), else the Scan one; the GPU-shaped one also
 * where the card has no other; undefined when it has neither. The rule openGpuGraph applies to gpuGraph.
 */
export function classifierGraphFor(card: ModelCard, providers: readonly string[], batch = 1): ClassifierGraphKey | undefined {
  const gpu = card.gpuClassifierGraph
  const first = providers[0]
  if (gpu !== undefined && first !== undefined && (gpu.providers as readonly string[]).includes(first) && batch < SCAN_CLASSIFIER_GPU_MIN_BATCH) return 'gpuClassifierGraph'
  if (card.classifierGraph !== undefined) return 'classifierGraph'
  return gpu !== undefined ? 'gpuClassifierGraph' : undefined
}

/** One graph file a card names besides its explainer: the `*Graph` entry's key, file and sha256. */
export interface CardGraphFile {
  readonly key: string
  readonly file: string
  readonly sha256: string
}

const SHA256 = /^[0-9a-f]{64}$/i

/**
 * Every `*Graph` entry of a card (matricesGraph, forwardGraph, and any a newer card adds), generically:
 * each must name a file in the models folder and its sha256 (parseCard refuses one that does not), and
 * each is opened only through ModelPool.graphSession, which checks that sha256 first.
 */
export function graphFilesOf(card: Readonly<Record<string, unknown>>): CardGraphFile[] {
  const out: CardGraphFile[] = []
  for (const [key, value] of Object.entries(card)) {
    if (!key.endsWith('Graph') || typeof value !== 'object' || value === null) continue
    const { file, sha256 } = value as { file?: unknown; sha256?: unknown }
    if (typeof file === 'string' && typeof sha256 === 'string') out.push({ key, file, sha256 })
  }
  return out
}

function graphEntryProblems(card: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(card)) {
    if (!key.endsWith('Graph')) continue
    const { file, sha256 } = (typeof value === 'object' && value !== null ? value : {}) as { file?: unknown; sha256?: unknown }
    if (typeof file !== 'string' || !fileName.safeParse(file).success) problems.push(`${key}.file: must be a file name in the models folder`)
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) problems.push(`${key}.sha256: required (64 hex digits)`)
    // Shared weights (shared-weights.ts): which file and version the graph's external data points into.
    const from = (value as { weightsFrom?: { file?: unknown; sha256?: unknown } } | null)?.weightsFrom
    if (from !== undefined && (typeof from?.file !== 'string' || typeof from.sha256 !== 'string' || !SHA256.test(from.sha256))) {
      problems.push(`${key}.weightsFrom: needs the file name and sha256 of the graph it reads weights from`)
    }
  }
  return problems
}

/** Name of the class-weights input (GRAPH_CONTRACT: `target`). */
export function targetInputName(card: ModelCard): string {
  return card.target?.name ?? 'target'
}

function consistency(card: ModelCard): string[] {
  const problems: string[] = graphEntryProblems(card)
  try {
    assertLayout(makeLayout(card.grid[0], card.grid[1]), card.tokens, card.clsIndex)
  } catch (e) {
    // Re-reported below as one manifest problem; the layout error's detail goes with it.
    problems.push(`token layout: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (card.gradFirstLayer > card.layers) problems.push('gradFirstLayer exceeds layers')
  const logits = card.outputs['logits']
  if (logits === undefined) problems.push('outputs.logits missing')
  else if (logits.shape.length !== 1 || logits.shape[0] !== card.classes.length) problems.push('outputs.logits shape must be [classes.length]')
  const fwd = card.forwardGraph
  if (fwd !== undefined) {
    if (!fwd.outputs.includes('logits')) problems.push('forwardGraph.outputs must include logits')
    const unknown = fwd.outputs.filter((n) => !(n in card.outputs))
    if (unknown.length > 0) problems.push(`forwardGraph.outputs not in outputs: ${unknown.slice(0, 5).join(', ')}`)
  }
  const op = card.operatingPoint
  if (op !== undefined && op.positiveClass >= card.classes.length) problems.push('operatingPoint.positiveClass is not a class index')
  return problems
}

/**
 * Parses one card (the registry supplies the id when the card has none). Throws `model/manifest-invalid` with the schema issues (field paths only, no values) in `detail`.
 */
export function parseCard(json: unknown): ModelCard {
  const parsed = cardSchema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new AppError('model/manifest-invalid', { detail: { issues } })
  }
  const problems = consistency(parsed.data)
  if (problems.length > 0) throw new AppError('model/manifest-invalid', { detail: { issues: problems } })
  return parsed.data
}
