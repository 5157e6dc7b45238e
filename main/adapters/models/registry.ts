/**
 * Model registry: every `*.json` card in the models folder (not recursive). Malformed cards and cards
 * whose graph file is missing are skipped with a warning, so one bad file never hides the others.
 * Only ids and reasons are logged, never paths (STYLE.md §2.6).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import type { ModelInfo } from '../../core/engine/api'
import { AppError, isAppError } from '../../core/errors'
import { noopLogger, type Logger } from '../../core/log'
import { graphFilesOf, matricesGraphOf, parseCard, type ModelCard } from './card'

/** A usable model: its card, resolved file paths and the DTO the UI lists. */
export interface ModelEntry {
  readonly id: string
  readonly card: ModelCard
  readonly onnxPath: string
  readonly matricesPath?: string
  readonly forwardPath?: string
  readonly classifierPath?: string
  readonly gpuPath?: string
  readonly gpuClassifierPath?: string
  readonly info: ModelInfo
}

function toInfo(id: string, card: ModelCard, raw: Record<string, unknown>): ModelInfo {
  return {
    id,
    name: card.name,
    classes: card.classes,
    // [height, width], the order of the input tensor's last two axes.
    inputSize: [card.input.shape[2], card.input.shape[3]],
    layers: card.layers,
    tokens: card.tokens,
    clsIndex: card.clsIndex,
    grid: card.grid,
    patchSize: card.patchSize,
    gradFirstLayer: card.gradFirstLayer,
    sha256: card.sha256.toLowerCase(),
    isDefault: card.default === true,
    card: raw,
  }
}

/** Reads and checks one card file; throws `model/manifest-invalid` or `model/not-found`. */
export function loadCardFile(cardPath: string): ModelEntry {
  if (!existsSync(cardPath)) throw new AppError('model/not-found', { detail: { card: basename(cardPath) } })
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(cardPath, 'utf8'))
  } catch (e) {
    throw new AppError('model/manifest-invalid', { detail: { reason: 'not valid JSON' }, cause: e })
  }
  const card = parseCard(raw)
  const id = card.id ?? basename(cardPath, extname(cardPath))
  const dir = dirname(resolve(cardPath))
  const onnxPath = join(dir, card.file)
  if (!existsSync(onnxPath)) throw new AppError('model/not-found', { detail: { id, file: card.file } })
  for (const g of graphFilesOf(card)) if (!existsSync(join(dir, g.file))) throw new AppError('model/not-found', { detail: { id, file: g.file } })
  const m = matricesGraphOf(card)
  const matricesPath = m !== undefined ? join(dir, m.file) : undefined
  const forwardPath = card.forwardGraph !== undefined ? join(dir, card.forwardGraph.file) : undefined
  const classifierPath = card.classifierGraph !== undefined ? join(dir, card.classifierGraph.file) : undefined
  const gpuPath = card.gpuGraph !== undefined ? join(dir, card.gpuGraph.file) : undefined
  const gpuClassifierPath = card.gpuClassifierGraph !== undefined ? join(dir, card.gpuClassifierGraph.file) : undefined
  return {
    id, card, onnxPath, ...(matricesPath !== undefined ? { matricesPath } : {}), ...(forwardPath !== undefined ? { forwardPath } : {}),
    ...(classifierPath !== undefined ? { classifierPath } : {}), ...(gpuPath !== undefined ? { gpuPath } : {}),
    ...(gpuClassifierPath !== undefined ? { gpuClassifierPath } : {}),
    info: toInfo(id, card, raw as Record<string, unknown>),
  }
}

/** A model card's file name: `<id>.json`, but not `<id>.domain.json` (a card's domain statistics, docs/TRUST.md). */
export function isCardFileName(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('.domain.json')
}

/** All usable models in `modelsDir`, sorted by id. Duplicated ids keep the first (sorted by file name). */
export function scanModels(modelsDir: string, logger: Logger = noopLogger): ModelEntry[] {
  const log = logger.child('models')
  if (!existsSync(modelsDir) || !statSync(modelsDir).isDirectory()) {
    log.warn('models folder not found')
    return []
  }
  const entries: ModelEntry[] = []
  for (const name of readdirSync(modelsDir).filter(isCardFileName).sort()) {
    try {
      const entry = loadCardFile(join(modelsDir, name))
      if (entries.some((e) => e.id === entry.id)) log.warn('duplicate model id skipped', { id: entry.id })
      else entries.push(entry)
    } catch (e) {
      if (!isAppError(e)) throw e
      log.warn('model card skipped', { card: name, code: e.code, detail: e.detail })
    }
  }
  log.info('models found', { count: entries.length, ids: entries.map((e) => e.id) })
  return entries.sort((a, b) => a.id.localeCompare(b.id))
}

/** The card marked `default: true` (first by id if several), else the first model. */
export function defaultModel(entries: readonly ModelEntry[]): ModelEntry | undefined {
  return entries.find((e) => e.info.isDefault) ?? entries[0]
}

/**
 * Resolves a model id among the registered models (undefined: the default). Never a path: the page may
 * only name models main registered (issue 16: a `modelId` path made main load any card and answered
 * whether a file exists). Unknown → `model/not-found`, without echoing the reference.
 */
export function resolveModel(entries: readonly ModelEntry[], ref: string | undefined): ModelEntry {
  if (ref === undefined) {
    const d = defaultModel(entries)
    if (d === undefined) throw new AppError('model/not-found', { detail: { reason: 'no models installed' } })
    return d
  }
  const known = entries.find((e) => e.id === ref)
  if (known !== undefined) return known
  throw new AppError('model/not-found', { detail: { reason: 'not a registered model id' } })
}

/**
 * The CLI's model reference (the user's own command line): a registered id, or a path to a card (`.json`)
 * or to a graph whose card sits next to it (`x.onnx` → `x.json`).
 */
export function resolveModelOrCardPath(entries: readonly ModelEntry[], ref: string | undefined): ModelEntry {
  if (ref === undefined || entries.some((e) => e.id === ref)) return resolveModel(entries, ref)
  const cardPath = ref.endsWith('.onnx') ? ref.slice(0, -'.onnx'.length) + '.json' : ref
  if (cardPath.endsWith('.json') && existsSync(cardPath)) return loadCardFile(cardPath)
  throw new AppError('model/not-found', { detail: { model: basename(ref) } })
}
