/**
 * IN-MEMORY FAKE ENGINE — for renderer unit tests only (the e2e tests and `npm run web` use the real engine).
 * Implements the `Engine` interface with deterministic, cheap arrays so the UI state logic can be tested
 * without ONNX. Every method's heatmap peaks at a different patch, so switching method visibly changes it.
 */
import type { ClassifyResult, DrilldownResult, Engine, EngineImage, ExplainOptions, ExplainResult, MethodInfo, ModelInfo, ModelInputResult, ProgressEvent } from '@core/engine/api'
import { agreementOf } from '@core/trust/agreement'
import { NOT_ASSESSED } from '@core/trust/domain'
import type { DomainAssessment, FaithfulnessCheck } from '@core/trust/types'
import { verdictOf } from '@core/trust/verdict'

const GRID = 4
const L = GRID * GRID + 1
const CLS = Math.floor((GRID * GRID) / 2)
const LAYERS = 3

export const FAKE_MODEL: ModelInfo = {
  id: 'fake', name: 'In-memory fake', classes: ['cat', 'dog', 'fox'], inputSize: [16, 16], layers: LAYERS, tokens: L,
  clsIndex: CLS, grid: [GRID, GRID], patchSize: 4, gradFirstLayer: 1, sha256: '0'.repeat(64), isDefault: true, card: {},
}

export const FAKE_METHODS: readonly MethodInfo[] = [
  { id: 'mamba-attribution', label: 'Attribution', classSpecific: true, spec: '§3.4', official: true, description: 'fake' },
  { id: 'mamba-rollout', label: 'Rollout', classSpecific: false, spec: '§3.3', official: true, description: 'fake' },
]

export class InMemoryFakeEngine implements Engine {
  /** Milliseconds each explain takes (lets tests cancel a run in flight). */
  delayMs = 0
  explainCalls: ExplainOptions[] = []
  /** The domain every run reports (default: not assessed, as for a card without domain statistics). */
  domain: DomainAssessment = NOT_ASSESSED
  private runs = 0

  listModels(): readonly ModelInfo[] {
    return [FAKE_MODEL]
  }

  listMethods(): readonly MethodInfo[] {
    return FAKE_METHODS
  }

  async explain(image: EngineImage, options: ExplainOptions, signal?: AbortSignal, onProgress?: (p: ProgressEvent) => void): Promise<ExplainResult> {
    this.explainCalls.push(options)
    onProgress?.({ stage: 'graph', fraction: 0.5 })
    if (this.delayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, this.delayMs)
        signal?.addEventListener('abort', () => {
          clearTimeout(t)
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
        })
      })
    }
    const targetClass = options.targetClass ?? 1
    const methods = FAKE_METHODS.map((m, k) => {
      const peak = (k * 5 + targetClass * 3) % (GRID * GRID)
      const patchRelevance = Float32Array.from({ length: GRID * GRID }, (_, p) => (p === peak ? 1 : 0.1))
      const heatmap = Float32Array.from({ length: 16 * 16 }, (_, i) => patchRelevance[Math.floor(Math.floor(i / 16) / 4) * GRID + Math.floor((i % 16) / 4)]!)
      return { methodId: m.id, patchRelevance, heatmap, heatmapWidth: 16, heatmapHeight: 16, degenerate: false, durationMs: 1 }
    })
    this.runs++
    return {
      runId: `run-${this.runs}`, modelId: 'fake', provider: 'cpu', targetClass,
      topK: [1, 0, 2].map((index, r) => ({ index, label: FAKE_MODEL.classes[index]!, logit: 3 - r, probability: [0.7, 0.2, 0.1][r]! })),
      methods,
      transform: { originalWidth: image.width, originalHeight: image.height, crop: { x: 0, y: 0, width: image.width, height: image.height }, modelWidth: 16, modelHeight: 16, resize: 'fake', mean: [0, 0, 0], std: [1, 1, 1] },
      modelInputPreview: new Uint8Array(16 * 16 * 3), graph: 'full',
      timings: { total: 1 },
      verdict: verdictOf([1, 3, 0], FAKE_MODEL.classes, undefined, this.domain.inDomain !== false),
      trust: {
        domain: this.domain,
        agreement: Object.fromEntries(methods.map((m) => [m.methodId, agreementOf(m.methodId, methods)])),
        evaluated: Object.fromEntries(methods.map((m) => [m.methodId, { evaluated: false }])),
      },
    }
  }

  /** A fixed, faithful-looking curve (the real check needs the classifier graph). */
  async faithfulness(_runId: string, methodId: string): Promise<FaithfulnessCheck | null> {
    return {
      methodId, classIndex: 1, original: 0.7, margin: 0.3, fill: 'fake', randomSeed: 0, durationMs: 0,
      points: [0.1, 0.2, 0.3, 0.5].map((fraction, i) => ({ fraction, patches: Math.round(16 * fraction), relevant: 0.4 - 0.1 * i, random: 0.7 - 0.05 * i })),
    }
  }

  async drilldown(runId: string, token: number): Promise<DrilldownResult> {
    const vec = (): [Float32Array, Float32Array] => [Float32Array.from({ length: L }, (_, t) => t / L), Float32Array.from({ length: L }, (_, t) => 1 - t / L)]
    const rows = Array.from({ length: LAYERS }, vec)
    return { runId, token, patch: token < CLS ? token : token - 1, rows, cols: rows, profile: { 'mamba-rollout': Float32Array.of(Number.NaN, 0.2, 0.5) }, durationMs: 0 }
  }

  async matrices(): Promise<readonly (readonly [Float32Array, Float32Array])[]> {
    return []
  }

  /** Fake classifier: logit k = mean input value × (k + 1); features = per-channel means. */
  async classify(inputs: Float32Array, count: number): Promise<ClassifyResult> {
    const per = inputs.length / count
    const classes = FAKE_MODEL.classes.length
    const logits = new Float32Array(count * classes)
    const features = new Float32Array(count * 3)
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < 3; c++) {
        let s = 0
        for (let j = 0; j < per / 3; j++) s += inputs[i * per + c * (per / 3) + j]!
        features[i * 3 + c] = s / (per / 3)
      }
      const mean = (features[i * 3]! + features[i * 3 + 1]! + features[i * 3 + 2]!) / 3
      for (let k = 0; k < classes; k++) logits[i * classes + k] = mean * (k + 1)
    }
    return { logits, features, classes, featureDim: 3, durationMs: 0 }
  }

  /** Fake pre-processing: nearest-neighbour to 16 × 16, scaled to [0, 1], CHW. */
  async modelInput(image: EngineImage): Promise<ModelInputResult> {
    const tensor = new Float32Array(3 * 16 * 16)
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) {
      const src = (Math.floor((y * image.height) / 16) * image.width + Math.floor((x * image.width) / 16)) * 3
      for (let c = 0; c < 3; c++) tensor[c * 256 + y * 16 + x] = image.rgb[src + c]! / 255
    }
    return { tensor, transform: { originalWidth: image.width, originalHeight: image.height, crop: { x: 0, y: 0, width: image.width, height: image.height }, modelWidth: 16, modelHeight: 16, resize: 'fake', mean: [0, 0, 0], std: [1, 1, 1] } }
  }

  provider(): 'cpu' {
    return 'cpu'
  }

  async close(): Promise<void> {}
}
