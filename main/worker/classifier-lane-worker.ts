/**
 * Entry of the classifier lane thread (classifier-lane.ts): opens the card's batch classifier graph
 * (sha256-checked) on the CPU with its share of the cores and answers run requests one at a time.
 */
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import * as ort from '../adapters/onnx/runtime'
import { verifySha256 } from '../adapters/models/verify'
import { openSession, type ExternalWeights, type OrtSession } from '../adapters/onnx/session'

/** What the lane is started with. */
export interface LaneStart {
  readonly graphPath: string
  readonly sha256: string
  readonly inputName: string
  readonly intraOpNumThreads: number
  /** The explainer bytes the graph reads its shared weights from (docs/GRAPH_CONTRACT.md, "Shared weights"). */
  readonly externalData: readonly ExternalWeights[]
}

export interface LaneRequest {
  readonly id: number
  readonly inputs: Float32Array
  readonly count: number
  /** [C, H, W] of one input. */
  readonly shape: readonly [number, number, number]
}

export type LaneReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'ok'; readonly id: number; readonly logits: Float32Array; readonly features: Float32Array; readonly featureDim: number }
  | { readonly type: 'error'; readonly id: number; readonly error: string }

const port = parentPort
if (port === null) throw new Error('classifier lane must run in a worker thread')
const start = workerData as LaneStart
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300)

let session: OrtSession
try {
  const bytes = readFileSync(start.graphPath)
  verifySha256(bytes, start.sha256, 'classifierGraph')
  session = (await openSession(bytes, { preferProviders: ['cpu'], intraOpNumThreads: start.intraOpNumThreads, externalData: start.externalData })).session
  port.postMessage({ type: 'ready' } satisfies LaneReply)
} catch (e) {
  port.postMessage({ type: 'failed', error: message(e) } satisfies LaneReply)
  process.exit(1)
}

port.on('message', (req: LaneRequest) => {
  const image = new ort.Tensor('float32', req.inputs, [req.count, ...req.shape])
  session.run({ [start.inputName]: image }).then(
    (out) => {
      const logits = (out['logits']?.data as Float32Array | undefined)?.slice()
      const f = out['features']
      const features = (f?.data as Float32Array | undefined)?.slice()
      if (logits === undefined || features === undefined) throw new Error('classifier graph output missing')
      port.postMessage({ type: 'ok', id: req.id, logits, features, featureDim: f!.dims[1] ?? 0 } satisfies LaneReply, [logits.buffer, features.buffer])
    },
  ).catch((e: unknown) => port.postMessage({ type: 'error', id: req.id, error: message(e) } satisfies LaneReply))
})
