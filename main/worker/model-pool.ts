/**
 * The worker's open models: one explainer session per model (on the provider that worked), plus the
 * optional matrices graph, opened on first use. Loading = read → sha256 → session → card check.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as ort from '../adapters/onnx/runtime'
import type { ExecutionProvider } from '../core/engine/api'
import { AppError } from '../core/errors'
import type { Logger } from '../core/log'
import { makeLayout, type TokenLayout } from '../core/layout'
import { classifierGraphFor, graphFilesOf, usesGpuGraph, type ClassifierGraphKey } from '../adapters/models/card'
import { externalWeightsFor } from '../adapters/models/shared-weights'
import { checkGraphAgainstCard, verifySha256 } from '../adapters/models/verify'
import { fromOrt } from '../adapters/onnx/from-ort'
import { candidateProviders } from '../adapters/onnx/providers'
import { openSession, ortBackends, type OrtSession } from '../adapters/onnx/session'
import type { F32Tensor } from '../core/tensor/f32'
import { ClassifierLane, lanesFor, laneThreads } from './classifier-lane'
import type { LoadRes, StoreJob, WorkerModelSpec } from './protocol'

/** A model ready to run. */
export interface LoadedModel {
  readonly spec: WorkerModelSpec
  readonly session: OrtSession
  readonly provider: ExecutionProvider
  readonly layout: TokenLayout
  /** 'gpu': the card's GPU-shaped variant runs (gpuGraph), 'explainer': the card's main graph. */
  readonly graph: 'explainer' | 'gpu'
  /** The explainer file's bytes, sha256-checked at load: what the variant graphs read their shared weights from. */
  readonly explainerBytes: Uint8Array
  matrices?: OrtSession
  forward?: OrtSession
  classifier?: OrtSession
  /** The classifier's second lane (classifier-lane.ts), started with `classifier` where lanes apply. */
  classifierLane?: ClassifierLane
}

function readModelFile(path: string, id: string): Uint8Array {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new AppError('model/not-found', { detail: { id }, cause: e })
  }
}

/**
 * The batch classifier graph of a model, chosen for the provider the model loaded on: every session of the
 * model (graphSession) runs there, so a chain that fell back from a GPU to the CPU keeps the Scan classifier.
 */
export function classifierKey(model: LoadedModel): ClassifierGraphKey | undefined {
  return classifierGraphFor(model.spec.card, [model.provider])
}

/** Open models of this worker. */
export class ModelPool {
  private readonly models = new Map<string, LoadedModel>()
  private readonly queuedStores: StoreJob[] = []

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.models.size
  }

  /** The loaded model, loading it first when needed. */
  async ensure(spec: WorkerModelSpec): Promise<{ model: LoadedModel; load: LoadRes }> {
    const have = this.models.get(spec.id)
    if (have !== undefined) {
      return { model: have, load: { provider: have.provider, attempts: [], createMs: 0, verifyMs: 0, optimizedCache: 'off', wasLoaded: true } }
    }
    const t0 = performance.now()
    // Read and checked even when the GPU graph runs: every variant graph reads its weights from these bytes.
    const bytes = readModelFile(spec.onnxPath, spec.id)
    verifySha256(bytes, spec.card.sha256, 'graph')
    const verifyMs = performance.now() - t0
    const gpu = await this.openGpuGraph(spec, bytes)
    const opened = gpu ?? await openSession(bytes, {
      logger: this.log.child('onnx'),
      modelSha256: spec.card.sha256.toLowerCase(),
      ...(spec.preferProviders !== undefined ? { preferProviders: spec.preferProviders } : {}),
      ...(spec.optimizedCacheDir !== undefined ? { optimizedCacheDir: spec.optimizedCacheDir } : {}),
    })
    try {
      checkGraphAgainstCard(spec.card, opened.session)
    } catch (e) {
      await opened.session.release()
      throw e
    }
    const model: LoadedModel = {
      spec, session: opened.session, provider: opened.provider, layout: makeLayout(spec.card.grid[0], spec.card.grid[1]),
      graph: gpu === null ? 'explainer' : 'gpu', explainerBytes: bytes,
    }
    this.models.set(spec.id, model)
    if (opened.optimizedCache === 'miss' && spec.optimizedCacheDir !== undefined) {
      this.queuedStores.push({ modelPath: spec.onnxPath, sha256: spec.card.sha256.toLowerCase(), provider: opened.provider, optimizedCacheDir: spec.optimizedCacheDir })
    }
    this.log.info('model loaded', { id: spec.id, provider: opened.provider, graph: model.graph, createMs: Math.round(opened.createMs), verifyMs: Math.round(verifyMs) })
    return {
      model,
      load: { provider: opened.provider, attempts: opened.attempts, createMs: opened.createMs, verifyMs, optimizedCache: opened.optimizedCache, wasLoaded: false },
    }
  }

  /**
   * The card's GPU-shaped graph on the first provider of the chain, when the card names that provider for
   * it (a GPU runs the Scan graph's per-token loops slower than a CPU: docs/BENCHMARKS.md); null otherwise,
   * or when it does not open and the chain may go on (the explainer graph then takes the whole chain).
   */
  private async openGpuGraph(spec: WorkerModelSpec, explainer: Uint8Array): Promise<Awaited<ReturnType<typeof openSession>> | null> {
    const gpu = spec.card.gpuGraph
    const first = candidateProviders(ortBackends(), spec.preferProviders)[0]
    if (gpu === undefined || spec.gpuPath === undefined || first === undefined || !usesGpuGraph(spec.card, first)) return null
    const bytes = readModelFile(spec.gpuPath, spec.id)
    verifySha256(bytes, gpu.sha256, 'GPU graph')
    const externalData = externalWeightsFor(spec.card, 'gpuGraph', explainer)
    try {
      return await openSession(bytes, { logger: this.log.child('onnx'), preferProviders: [first], externalData })
    } catch (e) {
      // Asked for that provider alone (--provider cuda): its failure is the answer, not a reason to fall back.
      if (spec.preferProviders?.length === 1) throw e
      this.log.info('GPU graph did not open; the explainer graph takes the provider chain', { provider: first })
      return null
    }
  }

  /** Cache writes that loads missed since the last call (the job loop hands them to the host). */
  takeQueuedStores(): StoreJob[] {
    return this.queuedStores.splice(0)
  }

  /** The matrices-graph session of a model (opened once, same provider preference), or undefined. */
  async matricesSession(model: LoadedModel): Promise<OrtSession | undefined> {
    if (model.spec.card.matricesGraph === undefined) return undefined
    // No arena: measured on Vim-T, the arena kept the graph's ≈1.6 GB peak after each run (3.5 GB after two).
    model.matrices ??= await this.graphSession(model, 'matricesGraph', false)
    return model.matrices
  }

  /**
   * The forward-only explainer of a model (card `forwardGraph`), opened on first use with the same
   * provider, sha256-checked; undefined when the card has none.
   */
  async forwardSession(model: LoadedModel): Promise<OrtSession | undefined> {
    const f = model.spec.card.forwardGraph
    // The forward variant has the Scan loops: on a GPU the GPU graph with every output is the faster one.
    if (f === undefined || model.graph === 'gpu') return undefined
    if (model.forward === undefined) {
      const session = await this.graphSession(model, 'forwardGraph', true)
      const missing = f.outputs.filter((n) => !session.outputNames.includes(n))
      if (missing.length > 0) {
        await session.release()
        throw new AppError('model/manifest-mismatch', { detail: { problems: missing.slice(0, 5).map((n) => `forward graph output ${n}: missing`) } })
      }
      model.forward = session
    }
    return model.forward
  }

  /**
   * The batch classifier of a model (card `classifierGraph`, or `gpuClassifierGraph` on a provider it names:
   * classifierKey), opened on first use; undefined when the card has neither. On a multi-core CPU its second
   * lane starts then too, in the background (classifier-lane.ts), and this session takes its share of the cores.
   */
  async classifierSession(model: LoadedModel): Promise<OrtSession | undefined> {
    const key = classifierKey(model)
    if (key === undefined) return undefined
    if (model.classifier === undefined) {
      const lanes = lanesFor(model.provider)
      model.classifier = await this.graphSession(model, key, true, lanes ? laneThreads() : undefined)
      const g = model.spec.card[key]
      if (lanes && g !== undefined) {
        // Lanes are CPU-only (lanesFor), where the key is the Scan classifier's; the lane opens the same graph.
        model.classifierLane = new ClassifierLane({
          graphPath: join(dirname(model.spec.onnxPath), g.file), sha256: g.sha256, inputName: model.spec.card.input.name, intraOpNumThreads: laneThreads(),
          // Its weights are the explainer's bytes checked at load (shared weights), copied into the lane's thread once.
          externalData: externalWeightsFor(model.spec.card, key, model.explainerBytes),
        })
      }
    }
    return model.classifier
  }

  /**
   * Opens a graph the card names next to the explainer (`key`: its `*Graph` entry, any of them): read,
   * sha256 check against the card, session on the model's provider, its shared weights read from the
   * explainer bytes checked at load. The one way such a graph is opened.
   */
  async graphSession(model: LoadedModel, key: string, memoryArena: boolean, intraOpNumThreads?: number): Promise<OrtSession> {
    const g = graphFilesOf(model.spec.card).find((e) => e.key === key)
    if (g === undefined) throw new AppError('model/manifest-invalid', { detail: { issues: [`${key}: not in the card`] } })
    const bytes = readModelFile(join(dirname(model.spec.onnxPath), g.file), model.spec.id)
    verifySha256(bytes, g.sha256, key)
    const externalData = externalWeightsFor(model.spec.card, key, model.explainerBytes)
    return (await openSession(bytes, {
      logger: this.log.child('onnx'), preferProviders: [model.provider], memoryArena, externalData, ...(intraOpNumThreads !== undefined ? { intraOpNumThreads } : {}),
    })).session
  }

  /** Releases one model (or all); returns how many sessions were released. */
  async release(id?: string): Promise<number> {
    let n = 0
    for (const [key, m] of [...this.models]) {
      if (id !== undefined && key !== id) continue
      this.models.delete(key)
      await m.session.release()
      n++
      await m.classifierLane?.close()
      for (const extra of [m.matrices, m.forward, m.classifier]) {
        if (extra === undefined) continue
        await extra.release()
        n++
      }
    }
    return n
  }
}

/**
 * Runs the explainer graph once (`target` null: the forward-only variant, which has no target input).
 * `fetches` limits what is copied out (ORT still executes every node: measured, it does not prune by
 * fetch list). Outputs are converted once by `fromOrt` against the card.
 */
export async function runExplainer(model: LoadedModel, image: Float32Array, target: Float32Array | null, fetches: readonly string[], session: OrtSession = model.session): Promise<Record<string, F32Tensor>> {
  const card = model.spec.card
  const feeds: Record<string, ort.Tensor> = { [card.input.name]: new ort.Tensor('float32', image, [...card.input.shape]) }
  if (target !== null) feeds[card.target?.name ?? 'target'] = new ort.Tensor('float32', target, [target.length])
  let results: ort.InferenceSession.ReturnType
  try {
    results = await session.run(feeds, [...fetches])
  } catch (e) {
    throw new AppError('model/inference-failed', { cause: e })
  }
  const out: Record<string, F32Tensor> = {}
  for (const name of fetches) {
    const t = results[name]
    if (t === undefined) throw new AppError('model/output-missing', { detail: { output: name } })
    out[name] = fromOrt(name, t, card.outputs[name]?.shape)
  }
  return out
}
