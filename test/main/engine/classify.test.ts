// @vitest-environment node
/**
 * Engine.classify / Engine.modelInput on the default model's batch classifier graph (real weights, real ORT):
 * the same logits as an explain run of the same input, batches that cross the worker's chunk size give every
 * input the answer it gets alone, and a card without a classifier graph is refused with its own code.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineImage } from '../../../main/core/engine/api'
import { createEngine, type LensEngine } from '../../../main/engine'
import { CLASSIFY_CHUNK } from '../../../main/worker/classify-job'
import { codeOf } from '../../helpers/errors'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { relErr } from '../../conformance/tolerance'

const MODELS = fileURLToPath(new URL('../../../models', import.meta.url))
const image: EngineImage = { width: 300, height: 200, rgb: new Uint8Array(300 * 200 * 3).map((_, i) => (i * 37 + (i >> 7)) % 251), sourceSha256: '0'.repeat(64) }

afterAll(cleanup)

describe('engine.classify (default model, batch classifier graph)', () => {
  let engine: LensEngine
  beforeAll(async () => {
    engine = await createEngine({ modelsDir: MODELS, preferProviders: ['cpu'], preload: false, precomputeMatrices: 'never' })
  })
  afterAll(async () => engine.close())

  it('gives the logits of an explain run of the same image, and the head features', async () => {
    const model = engine.listModels().find((m) => m.isDefault)!
    const { tensor, transform } = await engine.modelInput(image, { modelId: model.id })
    expect(tensor).toHaveLength(3 * 224 * 224)
    expect([transform.modelWidth, transform.modelHeight]).toEqual([224, 224])
    const explained = await engine.explain(image, { modelId: model.id, methods: ['raw-attention'], topK: 2 })
    const c = await engine.classify(tensor, 1, { modelId: model.id })
    expect([c.classes, c.featureDim]).toEqual([2, 192])
    const ref = new Float32Array(2)
    for (const s of explained.topK) ref[s.index] = s.logit
    expect(relErr(c.logits, ref)).toBeLessThan(1e-5)
  }, 60_000)

  it(`a batch of ${CLASSIFY_CHUNK + 3} (crossing the chunk size) equals its inputs one by one`, async () => {
    const { tensor } = await engine.modelInput(image, {})
    const n = CLASSIFY_CHUNK + 3
    const batch = new Float32Array(n * tensor.length)
    for (let i = 0; i < n; i++) {
      // Each copy has a different block of patches replaced by 0 (the normalised mean), as perturbation does.
      const copy = tensor.slice()
      for (let ch = 0; ch < 3; ch++) for (let y = 0; y < 16 * (i + 1); y++) copy.fill(0, ch * 224 * 224 + y * 224, ch * 224 * 224 + y * 224 + 64)
      batch.set(copy, i * tensor.length)
    }
    const all = await engine.classify(batch, n, {})
    expect(all.logits).toHaveLength(n * 2)
    for (const i of [0, CLASSIFY_CHUNK - 1, CLASSIFY_CHUNK, n - 1]) {
      const one = await engine.classify(batch.slice(i * tensor.length, (i + 1) * tensor.length), 1, {})
      expect(relErr(all.logits.subarray(2 * i, 2 * i + 2), one.logits)).toBeLessThan(1e-5)
      expect(relErr(all.features.subarray(192 * i, 192 * (i + 1)), one.features)).toBeLessThan(1e-5)
    }
    expect(relErr(all.logits.subarray(0, 2), all.logits.subarray(2 * (n - 1)))).toBeGreaterThan(1e-3)
  }, 120_000)

  it('refuses a batch whose size does not match, and a model without a classifier graph', async () => {
    expect(await codeOf(engine.classify(new Float32Array(10), 1, {}))).toBe('image/decode-failed')
    // The default model's card without its classifierGraph entry, next to the same explainer graph.
    const dir = tempDir()
    const card = JSON.parse(readFileSync(join(MODELS, 'vim-busbra-d12.json'), 'utf8')) as Record<string, unknown>
    for (const k of ['classifierGraph', 'gpuClassifierGraph', 'matricesGraph', 'forwardGraph', 'gpuGraph']) delete card[k]
    writeFileSync(join(dir, 'plain.json'), JSON.stringify({ ...card, id: 'plain', default: false }))
    symlinkSync(join(MODELS, String(card['file'])), join(dir, String(card['file'])))
    const plain = await createEngine({ modelsDir: dir, preferProviders: ['cpu'], preload: false, precomputeMatrices: 'never' })
    try {
      expect(await codeOf(plain.classify(new Float32Array(3 * 224 * 224), 1, { modelId: 'plain' }))).toBe('model/no-classifier')
    } finally {
      await plain.close()
    }
  }, 60_000)
})
