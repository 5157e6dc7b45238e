/**
 * Runs an explainer graph (docs/GRAPH_CONTRACT.md) directly with onnxruntime-node, for conformance
 * tests only (the app's runtime goes through its own worker). Sessions are cached per model path.
 * `MAMBA_LENS_TEST_PROVIDER=cuda` runs them on that execution provider alone (no CPU fallback; TF32 off as
 * in the app), which is how the conformance tests are run on the GPU machine (docs/GPU.md).
 */
import { existsSync, readFileSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import type { F32Tensor } from '../../main/core/tensor/f32'
import type { TapSet, Tap } from '../../main/core/explain/method'
import { makeLayout } from '../../main/core/layout'
import { exactGpuArithmetic } from '../../main/adapters/onnx/gpu-env'
import { isExecutionProvider } from '../../main/adapters/onnx/providers'
import { cardPathOf } from './variant-weights'

const PROVIDER = process.env['MAMBA_LENS_TEST_PROVIDER'] ?? 'cpu'
if (!isExecutionProvider(PROVIDER)) throw new Error(`MAMBA_LENS_TEST_PROVIDER must be cuda, dml, webgpu or cpu, not ${PROVIDER}`)

/** All float32 outputs of one run, by output name. */
export type GraphOutputs = Readonly<Record<string, F32Tensor>>

/** The model card beside a graph (`<name>.json`, also for a variant `<name>.gpu.onnx`), or `null` when absent. */
export function readCard(modelPath: string): Readonly<Record<string, unknown>> | null {
  const cardPath = cardPathOf(modelPath)
  if (!existsSync(cardPath)) return null
  return JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>
}

const sessions = new Map<string, Promise<ort.InferenceSession>>()

function session(modelPath: string): Promise<ort.InferenceSession> {
  let s = sessions.get(modelPath)
  if (s === undefined) {
    exactGpuArithmetic()
    s = ort.InferenceSession.create(modelPath, { executionProviders: [PROVIDER] })
    sessions.set(modelPath, s)
  }
  return s
}

/** Releases every cached session (call in `afterAll`). */
export async function releaseGraphs(): Promise<void> {
  const all = [...sessions.values()]
  sessions.clear()
  for (const s of all) await (await s).release()
}

function classCount(sess: ort.InferenceSession, card: Readonly<Record<string, unknown>> | null): number {
  const meta = sess.inputMetadata.find((m) => m.name === 'target')
  const dim = meta !== undefined && meta.isTensor ? meta.shape[meta.shape.length - 1] : undefined
  if (typeof dim === 'number' && dim > 0) return dim
  const classes = card?.['classes']
  if (Array.isArray(classes)) return classes.length
  const n = card?.['numClasses'] ?? card?.['num_classes']
  if (typeof n === 'number') return n
  throw new Error('cannot determine the number of classes of the graph')
}

/**
 * Runs the graph on one normalised image `[1, 3, H, W]` (or `[3, H, W]`) with a one-hot `target` of
 * class `target`. Returns every float32 output as an `F32Tensor`.
 */
export async function runGraph(modelPath: string, image: F32Tensor, target: number): Promise<GraphOutputs> {
  const sess = await session(modelPath)
  const card = readCard(modelPath)
  const dims = image.shape.length === 3 ? [1, ...image.shape] : [...image.shape]
  const classes = classCount(sess, card)
  const oneHot = new Float32Array(classes)
  oneHot[target] = 1
  const imageName = sess.inputNames.includes('image') ? 'image' : sess.inputNames[0]!
  const feeds: Record<string, ort.Tensor> = { [imageName]: new ort.Tensor('float32', image.data, dims) }
  if (sess.inputNames.includes('target')) feeds['target'] = new ort.Tensor('float32', oneHot, [classes])
  const results = await sess.run(feeds)
  const out: Record<string, F32Tensor> = {}
  for (const [name, t] of Object.entries(results)) {
    if (t.type !== 'float32') continue
    out[name] = { data: t.data as Float32Array, shape: t.dims.map(Number) }
  }
  return out
}

const TAP_NAMES: readonly Tap[] = [
  'hma_mean', 'hma_pos_mean', 'hma_range', 'true_mean', 'true_pos_mean', 'true_range', 'uia_mean',
  'uia_pos_mean', 'uia_range', 'grad_max_pos', 'grad', 'lrp', 'delta', 'B', 'C', 'A', 'conv_sigmoid', 'gate',
]

/**
 * A `TapSet` from graph outputs. Sizes come from the card when it states them (`layers`,
 * `gradFirstLayer`, `grid`), else from the output shapes (`hma_mean [Λ, L]`, `grad_max_pos [G, L]`,
 * square grid of `L − 1` patches).
 */
export function tapSetFromOutputs(outputs: GraphOutputs, card: Readonly<Record<string, unknown>> | null): TapSet {
  const hma = outputs['hma_mean'] ?? outputs['delta']
  if (hma === undefined) throw new Error('graph has neither hma_mean nor delta')
  const layers = typeof card?.['layers'] === 'number' ? card['layers'] : hma.shape[0]!
  const tokens = hma.shape[hma === outputs['delta'] ? 2 : 1]!
  const grads = outputs['grad_max_pos']?.shape[0]
  const gradFirstLayer =
    typeof card?.['gradFirstLayer'] === 'number' ? card['gradFirstLayer'] : grads !== undefined ? layers - grads : layers
  const grid = card?.['grid']
  const [rows, cols] =
    Array.isArray(grid) && typeof grid[0] === 'number' && typeof grid[1] === 'number'
      ? [grid[0], grid[1]]
      : [Math.round(Math.sqrt(tokens - 1)), Math.round(Math.sqrt(tokens - 1))]
  const layout = makeLayout(rows, cols)
  if (layout.tokens !== tokens) throw new Error(`grid ${rows}×${cols} does not match ${tokens} tokens`)
  const tensors: Partial<Record<Tap, F32Tensor>> = {}
  for (const name of TAP_NAMES) {
    const t = outputs[name]
    if (t !== undefined) tensors[name] = t
  }
  return { layout, layers, gradFirstLayer, tensors }
}
