/**
 * The graphs one evaluation runs, opened once: the explainer (`<name>.onnx`, one image and one target
 * per run) for the maps, and for the perturbed inputs the card's batch-dynamic `classifierGraph`
 * (`image` [N,3,H,W] → `logits` [N,C]) when it has one, else the forward-only graph or the explainer
 * itself, one image per run, fetching only `logits`.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as ort from '../onnx/runtime'
import type { F32Tensor } from '../../core/tensor/f32'
import { externalWeightsFor } from '../models/shared-weights'
import { verifySha256 } from '../models/verify'
import { openSession, type ExternalWeights, type OrtSession } from '../onnx/session'
import type { ModelEntry } from '../models/registry'

/** CPU threads per session: the evaluation runs beside other work (2-core machines). */
const THREADS = 2
/** Perturbed inputs per classifier run. */
const BATCH = 16

async function open(model: Uint8Array, externalData: readonly ExternalWeights[] = []): Promise<OrtSession> {
  return (await openSession(model, { preferProviders: ['cpu'], intraOpNumThreads: THREADS, externalData })).session
}

/** The card's batch-dynamic classifier graph file, if it names one (INTERFACES.md `classifierGraph`). */
function classifierFile(entry: ModelEntry): string | undefined {
  const g = (entry.info.card as { classifierGraph?: { file?: unknown } }).classifierGraph
  return typeof g?.file === 'string' ? join(dirname(entry.onnxPath), g.file) : undefined
}

/** Open sessions of one model. */
export interface EvalGraphs {
  /** All float32 outputs of the explainer for one normalised CHW input and a target weight vector. */
  explain(input: Float32Array, target: readonly number[]): Promise<Record<string, F32Tensor>>
  /** Logits of many normalised CHW inputs. */
  classify(inputs: readonly Float32Array[]): Promise<Float32Array[]>
  /** What classifies the perturbed inputs: 'classifier' (batched), 'forward' or 'explainer'. */
  readonly classifierKind: 'classifier' | 'forward' | 'explainer'
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

/** Opens an explainer graph `file` laid out as `entry`'s. */
export async function openExplainer(entry: ModelEntry, file: string): Promise<ExplainerGraph> {
  const session = await open(readFileSync(file))
  return { explain: explainWith(entry, session), close: () => session.release() }
}

/** Opens the explainer and the best classifier of `entry`. */
export async function openEvalGraphs(entry: ModelEntry): Promise<EvalGraphs> {
  const card = entry.card
  const [, , h, w] = card.input.shape
  const dims = [1, 3, h, w]
  const explainerBytes = readFileSync(entry.onnxPath)
  const explainer = await open(explainerBytes)
  const clsFile = classifierFile(entry)
  const kind = clsFile !== undefined ? 'classifier' : entry.forwardPath !== undefined ? 'forward' : 'explainer'
  // The variant reads its shared weights from the explainer's bytes (shared-weights.ts); they must be the card's.
  const variant = async (file: string, key: string): Promise<OrtSession> => {
    verifySha256(explainerBytes, card.sha256, 'graph')
    return open(readFileSync(file), externalWeightsFor(card, key, explainerBytes))
  }
  const classifier = clsFile !== undefined ? await variant(clsFile, 'classifierGraph') : entry.forwardPath !== undefined ? await variant(entry.forwardPath, 'forwardGraph') : explainer
  const classes = card.classes.length
  const zeroTarget = new ort.Tensor('float32', new Float32Array(classes), [classes])
  const size = 3 * h * w
  return {
    classifierKind: kind,
    explain: explainWith(entry, explainer),
    async classify(inputs) {
      const out: Float32Array[] = []
      if (kind === 'classifier') {
        for (let s = 0; s < inputs.length; s += BATCH) {
          const chunk = inputs.slice(s, s + BATCH)
          const batch = new Float32Array(chunk.length * size)
          chunk.forEach((x, i) => batch.set(x, i * size))
          const res = await classifier.run({ image: new ort.Tensor('float32', batch, [chunk.length, 3, h, w]) }, ['logits'])
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
