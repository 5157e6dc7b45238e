/**
 * The graphs one evaluation runs, opened once: the explainer (`<name>.onnx`, one image and one target
 * per run) for the maps, and for the perturbed inputs the card's batch-dynamic `classifierGraph`
 * (`image` [N,3,H,W] → `logits` [N,C]) when it has one, else the forward-only graph or the explainer
 * itself, one image per run, fetching only `logits`.
 *
 * On a GPU provider (`--provider cuda`) the card's GPU-shaped explainer runs instead where the card names that
 * provider for it (`gpuGraph`: no per-token `Scan`, which a GPU runs slower than its CPU one image at a time;
 * docs/GPU.md), and the perturbed inputs go through the Scan classifier in batches of 256, where the Scan's
 * per-step cost is shared (classifierGraphFor); on that provider alone: no silent CPU fallback.
 */
import { readFileSync } from 'node:fs'
import * as ort from '../onnx/runtime'
import type { F32Tensor } from '../../core/tensor/f32'
import { externalWeightsFor } from '../models/shared-weights'
import { classifierGraphFor, usesGpuGraph } from '../models/card'
import { verifySha256 } from '../models/verify'
import type { ExecutionProvider } from '../../core/engine/api'
import { openSession, type ExternalWeights, type OrtSession } from '../onnx/session'
import { transplantWeights } from './randomise-graph'
import type { ModelEntry } from '../models/registry'

/** CPU threads per session: the evaluation runs beside other work (2-core machines). */
const THREADS = 2
/**
 * Perturbed inputs per classifier run. On a GPU the Scan classifier runs them (classifierGraphFor): its time is
 * per scan step, shared by the batch (H100: 988 images/s at 256, 1,036 at 512; the GPU-shaped one 182).
 */
const batchFor = (provider: ExecutionProvider): number => (provider === 'cpu' ? 16 : 256)

/** One graph file of the card: its card key (`explainer` for the main graph), path and checksum. */
interface CardGraph { readonly key: string; readonly file: string; readonly sha256: string }

/** The explainer graph that runs on `provider`: the GPU-shaped variant where the card names it for that provider. */
export function explainerGraphFor(entry: ModelEntry, provider: ExecutionProvider): CardGraph {
  const gpu = entry.card.gpuGraph
  return gpu !== undefined && entry.gpuPath !== undefined && usesGpuGraph(entry.card, provider)
    ? { key: 'gpuGraph', file: entry.gpuPath, sha256: gpu.sha256 }
    : { key: 'explainer', file: entry.onnxPath, sha256: entry.card.sha256 }
}

/** What classifies perturbed inputs on `provider`: the batch classifier for the run's batch size, else the forward graph. */
function classifierFor(entry: ModelEntry, provider: ExecutionProvider): CardGraph | undefined {
  const card = entry.card
  const key = classifierGraphFor(card, [provider], batchFor(provider))
  if (key === 'gpuClassifierGraph' && entry.gpuClassifierPath !== undefined) return { key, file: entry.gpuClassifierPath, sha256: card.gpuClassifierGraph!.sha256 }
  if (key === 'classifierGraph' && entry.classifierPath !== undefined) return { key, file: entry.classifierPath, sha256: card.classifierGraph!.sha256 }
  return undefined
}

/** Open sessions of one model. */
export interface EvalGraphs {
  /** All float32 outputs of the explainer for one normalised CHW input and a target weight vector. */
  explain(input: Float32Array, target: readonly number[]): Promise<Record<string, F32Tensor>>
  /** Logits of many normalised CHW inputs. */
  classify(inputs: readonly Float32Array[]): Promise<Float32Array[]>
  /** What classifies the perturbed inputs: 'classifier' (batched), 'forward' or 'explainer'. */
  readonly classifierKind: 'classifier' | 'forward' | 'explainer'
  /** Card keys of the graphs that run (e.g. gpuGraph + gpuClassifierGraph) and their provider, for the report. */
  readonly graphs: { readonly explainer: string; readonly classifier: string; readonly provider: ExecutionProvider }
  close(): Promise<void>
}

function toF32Outputs(res: ort.InferenceSession.ReturnType): Record<string, F32Tensor> {
  const out: Record<string, F32Tensor> = {}
  for (const [name, t] of Object.entries(res)) if (t.type === 'float32') out[name] = { data: t.data as Float32Array, shape: t.dims.map(Number) }
  return out
}

/** An explainer graph alone (the sanity cascade's randomised graphs). */
export interface ExplainerGraph {
  explain: EvalGraphs['explain']
  close(): Promise<void>
}

function explainWith(entry: ModelEntry, explainer: OrtSession): EvalGraphs['explain'] {
  const [, , h, w] = entry.card.input.shape
  const classes = entry.card.classes.length
  return async (input, target) => {
    const feeds = { image: new ort.Tensor('float32', input, [1, 3, h, w]), target: new ort.Tensor('float32', Float32Array.from(target), [classes]) }
    return toF32Outputs(await explainer.run(feeds))
  }
}

async function open(model: Uint8Array, provider: ExecutionProvider, externalData: readonly ExternalWeights[] = []): Promise<OrtSession> {
  return (await openSession(model, { preferProviders: [provider], ...(provider === 'cpu' ? { intraOpNumThreads: THREADS } : {}), externalData })).session
}

/**
 * Opens a randomised copy of `entry`'s explainer (`file`, written by randomise-graph.ts) on `provider`. On a GPU
 * provider the card's GPU graph runs with the randomised file as its weights: the cascade re-draws weights in
 * place (same byte length, same offsets), so the GPU graph's external-data offsets into the explainer hold there
 * too, and its own small inline parameters get the randomised values (transplantWeights). The trained
 * explainer's bytes vouch for the GPU graph's weightsFrom (sha256) before they are swapped.
 */
export async function openExplainer(entry: ModelEntry, file: string, provider: ExecutionProvider = 'cpu'): Promise<ExplainerGraph> {
  const randomised = readFileSync(file)
  const graph = explainerGraphFor(entry, provider)
  if (graph.key === 'explainer') {
    const session = await open(randomised, provider)
    return { explain: explainWith(entry, session), close: () => session.release() }
  }
  const trained = readFileSync(entry.onnxPath)
  verifySha256(trained, entry.card.sha256, 'graph')
  if (randomised.length !== trained.length) throw new Error(`${file}: not a weight-randomised copy of ${entry.card.file} (length differs)`)
  const weights = externalWeightsFor(entry.card, graph.key, trained).map((w) => ({ ...w, data: new Uint8Array(randomised) }))
  const gpuBytes = readFileSync(graph.file)
  verifySha256(gpuBytes, graph.sha256, graph.key)
  const session = await open(transplantWeights(gpuBytes, trained, randomised), provider, weights)
  return { explain: explainWith(entry, session), close: () => session.release() }
}

/** Opens the explainer and the best classifier of `entry` for `provider` (only that provider: no fallback). */
export async function openEvalGraphs(entry: ModelEntry, provider: ExecutionProvider = 'cpu'): Promise<EvalGraphs> {
  const card = entry.card
  const [, , h, w] = card.input.shape
  const dims = [1, 3, h, w]
  const explainerBytes = readFileSync(entry.onnxPath)
  verifySha256(explainerBytes, card.sha256, 'graph')
  // A variant reads its shared weights from the explainer's bytes (shared-weights.ts), checked just above.
  const variant = async (g: CardGraph): Promise<OrtSession> => {
    const bytes = readFileSync(g.file)
    verifySha256(bytes, g.sha256, g.key)
    return open(bytes, provider, externalWeightsFor(card, g.key, explainerBytes))
  }
  const explainerGraph = explainerGraphFor(entry, provider)
  const explainer = explainerGraph.key === 'explainer' ? await open(explainerBytes, provider) : await variant(explainerGraph)
  const cls = classifierFor(entry, provider)
  const fwd: CardGraph | undefined = entry.forwardPath !== undefined && card.forwardGraph !== undefined
    ? { key: 'forwardGraph', file: entry.forwardPath, sha256: card.forwardGraph.sha256 } : undefined
  const kind = cls !== undefined ? 'classifier' : fwd !== undefined ? 'forward' : 'explainer'
  const classifier = cls !== undefined ? await variant(cls) : fwd !== undefined ? await variant(fwd) : explainer
  const batch = batchFor(provider)
  const classes = card.classes.length
  const zeroTarget = new ort.Tensor('float32', new Float32Array(classes), [classes])
  const size = 3 * h * w
  return {
    classifierKind: kind,
    graphs: { explainer: explainerGraph.key, classifier: cls?.key ?? fwd?.key ?? 'explainer', provider },
    explain: explainWith(entry, explainer),
    async classify(inputs) {
      const out: Float32Array[] = []
      if (kind === 'classifier') {
        for (let s = 0; s < inputs.length; s += batch) {
          const chunk = inputs.slice(s, s + batch)
          const data = new Float32Array(chunk.length * size)
          chunk.forEach((x, i) => data.set(x, i * size))
          const res = await classifier.run({ image: new ort.Tensor('float32', data, [chunk.length, 3, h, w]) }, ['logits'])
          const logits = res['logits']!.data as Float32Array
          for (let i = 0; i < chunk.length; i++) out.push(logits.slice(i * classes, (i + 1) * classes))
        }
        return out
      }
      for (const x of inputs) {
        const feeds: Record<string, ort.Tensor> = { image: new ort.Tensor('float32', x, dims) }
        if (classifier.inputNames.includes('target')) feeds['target'] = zeroTarget
        const res = await classifier.run(feeds, ['logits'])
        out.push(Float32Array.from(res['logits']!.data as Float32Array))
      }
      return out
    },
    async close() {
      await explainer.release()
      if (classifier !== explainer) await classifier.release()
    },
  }
}
