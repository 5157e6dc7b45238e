// @vitest-environment node
/**
 * One copy of the weights (issue 14, build 5): the default model's forward, classifier and GPU graphs store no
 * weights of their own; they read them from the explainer's bytes that the model pool has already read and
 * sha256-checked (adapters/models/shared-weights.ts). Opened through the pool, they give the explainer's
 * logits; a variant whose weights source is not the card's explainer is refused with its own error.
 */
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCardFile } from '../../../main/adapters/models/registry'
import { sha256Hex } from '../../../main/adapters/models/verify'
import { noopLogger } from '../../../main/core/log'
import { workerSpec } from '../../../main/engine/model-specs'
import * as ort from '../../../main/adapters/onnx/runtime'
import { classifierKey, ModelPool, runExplainer } from '../../../main/worker/model-pool'
import { classifierGraphFor, parseCard, SCAN_CLASSIFIER_GPU_MIN_BATCH } from '../../../main/adapters/models/card'
import { fetchList } from '../../../main/worker/explain-job'
import { getMethod } from '../../../main/core/explain/registry'
import { codeOf } from '../../helpers/errors'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'

afterAll(cleanup)

const MODELS = join(__dirname, '../../../models')
const NAME = 'vim-busbra-d12'
const VARIANTS = ['forwardGraph', 'classifierGraph', 'gpuGraph', 'gpuClassifierGraph'] as const
type Card = Record<string, unknown> & { file: string; sha256: string }
const card = JSON.parse(readFileSync(join(MODELS, `${NAME}.json`), 'utf8')) as Card
const fileOf = (key: string): string => (card[key] as { file: string }).file

/** A deterministic input in the normalised range (no image needed). */
function syntheticInput(seed: number): Float32Array {
  const x = new Float32Array(3 * 224 * 224)
  let s = seed
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    x[i] = (s / 2 ** 32) * 4 - 2
  }
  return x
}

/**
 * An ultrasound-like frame, normalised as the card says: grey speckle over a depth gradient, a darker
 * elliptical lesion with a bright rim, the same grey in the three channels (what the app feeds a grey scan).
 */
function ultrasoundLike(seed: number): Float32Array {
  const n = 224 * 224
  const x = new Float32Array(3 * n)
  const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    const row = Math.floor(i / 224), col = i % 224
    const r = Math.hypot((col - 90 - 20 * seed) / 40, (row - 110) / 25)
    const tissue = 0.55 - 0.3 * (row / 224), lesion = r < 1 ? 0.12 : r < 1.15 ? 0.8 : tissue
    const grey = Math.min(1, lesion * (0.6 + 0.8 * (s / 2 ** 32)))
    for (let c = 0; c < 3; c++) x[c * n + i] = (grey - mean[c]!) / std[c]!
  }
  return x
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0)
const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)

/** The default model's card and graphs copied to a temporary models folder, the card patched by `patch`. */
function copyModel(patch: (c: Card) => Card, explainer?: Uint8Array): string {
  const dir = tempDir()
  for (const f of [fileOf('matricesGraph'), ...VARIANTS.map(fileOf), (card['domain'] as { features: { file: string } }).features.file]) copyFileSync(join(MODELS, f), join(dir, f))
  if (explainer === undefined) copyFileSync(join(MODELS, card.file), join(dir, card.file))
  else writeFileSync(join(dir, card.file), explainer)
  writeFileSync(join(dir, `${NAME}.json`), JSON.stringify(patch(structuredClone(card))))
  return join(dir, `${NAME}.json`)
}

describe('variant graphs read their weights from the explainer file', () => {
  it('the shipped variants hold no weights of their own (each < 2 % of the explainer file)', () => {
    const explainer = statSync(join(MODELS, card.file)).size
    for (const key of VARIANTS) {
      expect((card[key] as { weightsFrom?: unknown }).weightsFrom).toEqual({ file: card.file, sha256: card.sha256, bytes: expect.any(Number) })
      expect(statSync(join(MODELS, fileOf(key))).size).toBeLessThan(0.02 * explainer)
    }
  })

  it('forward, classifier and GPU graphs, opened by the model pool, give the explainer\'s logits', async () => {
    const pool = new ModelPool(noopLogger)
    const { model } = await pool.ensure(workerSpec(loadCardFile(join(MODELS, `${NAME}.json`)), { preferProviders: ['cpu'] }))
    const inputs = [syntheticInput(1), syntheticInput(2)]
    const zero = new Float32Array(2)
    const ref = await Promise.all(inputs.map(async (x) => (await runExplainer(model, x, zero, ['logits']))['logits']!.data))
    const forward = await pool.forwardSession(model)
    const gpu = await pool.graphSession(model, 'gpuGraph', true)
    const classifier = await pool.classifierSession(model)
    const batch = new Float32Array(2 * inputs[0]!.length)
    inputs.forEach((x, i) => batch.set(x, i * x.length))
    const clsOut = await classifier!.run({ image: new ort.Tensor('float32', batch, [2, 3, 224, 224]) }, ['logits', 'features'])
    const cls = clsOut['logits']!.data as Float32Array
    const clsFeatures = clsOut['features']!.data as Float32Array
    // The GPU graph also gives the head's input features, which the domain guard then reads from the explain run
    // (its statistics were fitted on the classifier's): asked for on that graph only, never on a forward run.
    const uia = [getMethod('uia')]
    expect(fetchList(model, uia)).not.toContain('features')
    expect(fetchList({ ...model, session: gpu }, uia)).toContain('features')
    expect(fetchList({ ...model, session: gpu }, uia, true)).not.toContain('features')
    for (const [i, x] of inputs.entries()) {
      const scale = maxAbs(ref[i]!)
      // Same weights and maths as the explainer: measured bitwise equal (forward) and within 2e-7 (classifier).
      expect(maxAbsDiff((await runExplainer(model, x, null, ['logits'], forward))['logits']!.data, ref[i]!)).toBeLessThanOrEqual(1e-6 * scale)
      expect(maxAbsDiff(cls.subarray(2 * i, 2 * i + 2), ref[i]!)).toBeLessThanOrEqual(1e-6 * scale)
      // The parallel scan sums in another order (docs/GPU.md: within 1e-5 of the largest value).
      const onGpuGraph = await runExplainer(model, x, zero, ['logits', 'features'], gpu)
      expect(maxAbsDiff(onGpuGraph['logits']!.data, ref[i]!)).toBeLessThanOrEqual(1e-5 * scale)
      const features = clsFeatures.subarray(192 * i, 192 * (i + 1))
      expect(maxAbsDiff(onGpuGraph['features']!.data, features)).toBeLessThanOrEqual(1e-5 * maxAbs(features))
    }
    await gpu.release()
    await pool.release()
  }, 600_000)

  it('the GPU-shaped classifier gives the Scan classifier\'s logits and features; only a GPU chain opens it', async () => {
    const pool = new ModelPool(noopLogger)
    const { model } = await pool.ensure(workerSpec(loadCardFile(join(MODELS, `${NAME}.json`)), { preferProviders: ['cpu'] }))
    expect(classifierKey(model)).toBe('classifierGraph')
    const parsed = parseCard(card)
    expect(['cuda', 'dml', 'cpu'].map((p) => classifierGraphFor(parsed, [p, 'cpu']))).toEqual(['gpuClassifierGraph', 'gpuClassifierGraph', 'classifierGraph'])
    const { gpuClassifierGraph: _, ...scanOnly } = parsed
    expect(classifierGraphFor(scanOnly, ['cuda'])).toBe('classifierGraph')
    // Large batches on a GPU go to the Scan classifier (its per-step cost is shared by the batch); not on a CPU, and
    // not where the card has no Scan classifier.
    const atBatch = (b: number, p: string) => classifierGraphFor(parsed, [p], b)
    expect([atBatch(SCAN_CLASSIFIER_GPU_MIN_BATCH - 1, 'cuda'), atBatch(SCAN_CLASSIFIER_GPU_MIN_BATCH, 'cuda'), atBatch(256, 'dml'), atBatch(256, 'cpu')])
      .toEqual(['gpuClassifierGraph', 'classifierGraph', 'classifierGraph', 'classifierGraph'])
    const { classifierGraph: __, ...gpuOnly } = parsed
    expect(classifierGraphFor(gpuOnly, ['cuda'], 256)).toBe('gpuClassifierGraph')
    const inputs = [ultrasoundLike(1), ultrasoundLike(2), syntheticInput(3)]
    const batch = new Float32Array(inputs.length * inputs[0]!.length)
    inputs.forEach((x, i) => batch.set(x, i * x.length))
    const feed = { image: new ort.Tensor('float32', batch, [inputs.length, 3, 224, 224]) }
    const ref = await (await pool.classifierSession(model))!.run(feed, ['logits', 'features'])
    const gpu = await pool.graphSession(model, 'gpuClassifierGraph', true)
    const got = await gpu.run(feed, ['logits', 'features'])
    for (const name of ['logits', 'features']) {
      const r = ref[name]!.data as Float32Array
      // The same maths, the parallel scan summing in another order (docs/GPU.md).
      expect(maxAbsDiff(got[name]!.data as Float32Array, r)).toBeLessThanOrEqual(1e-5 * maxAbs(r))
    }
    await gpu.release()
    await pool.release()
  }, 300_000)

  const tiny = join(MODELS, 'vim-tiny-conformance.json')
  const tinyBuilt = existsSync(join(MODELS, 'vim-tiny-conformance.gpu.onnx')) ? null : 'the conformance model is not built (scripts/conformance-model.mjs)'
  it.skipIf(tinyBuilt !== null)('the conformance model\'s GPU graph, exported at test time, reads its weights the same way and gives the explainer\'s logits', async () => {
    const pool = new ModelPool(noopLogger)
    const { model } = await pool.ensure(workerSpec(loadCardFile(tiny), { preferProviders: ['cpu'] }))
    expect((model.spec.card as unknown as Card)['gpuGraph']).toMatchObject({ weightsFrom: { file: model.spec.card.file, sha256: model.spec.card.sha256 } })
    const x = syntheticInput(3)
    const zero = new Float32Array(model.spec.card.classes.length)
    const ref = (await runExplainer(model, x, zero, ['logits']))['logits']!.data
    const gpu = await pool.graphSession(model, 'gpuGraph', true)
    expect(maxAbsDiff((await runExplainer(model, x, zero, ['logits'], gpu))['logits']!.data, ref)).toBeLessThanOrEqual(1e-5 * maxAbs(ref))
    await gpu.release()
    await pool.release()
  }, 600_000)

  it('an explainer re-exported without its variants (card updated, variants not) is refused: model/weights-mismatch', async () => {
    // One byte of the largest weight changed: a valid graph, a different version of the file.
    const altered = new Uint8Array(readFileSync(join(MODELS, card.file)))
    altered[Math.floor(altered.length / 2)]! ^= 1
    const path = copyModel((c) => ({ ...c, sha256: sha256Hex(altered) }), altered)
    const pool = new ModelPool(noopLogger)
    const { model } = await pool.ensure(workerSpec(loadCardFile(path), { preferProviders: ['cpu'] }))
    expect(await codeOf(pool.forwardSession(model))).toBe('model/weights-mismatch')
    expect(await codeOf(pool.classifierSession(model))).toBe('model/weights-mismatch')
    await pool.release()
  }, 300_000)

  it('a variant naming another weights file is refused before ORT reads anything: model/weights-mismatch', async () => {
    const path = copyModel((c) => ({ ...c, classifierGraph: { ...(c['classifierGraph'] as object), weightsFrom: { file: 'other.onnx', sha256: c.sha256 } } }))
    const pool = new ModelPool(noopLogger)
    const { model } = await pool.ensure(workerSpec(loadCardFile(path), { preferProviders: ['cpu'] }))
    expect(await codeOf(pool.classifierSession(model))).toBe('model/weights-mismatch')
    await pool.release()
  }, 300_000)

  it('an explainer file altered on disk stops the load before any graph opens: model/hash-mismatch', async () => {
    const altered = new Uint8Array(readFileSync(join(MODELS, card.file)))
    altered[Math.floor(altered.length / 2)]! ^= 1
    const path = copyModel((c) => c, altered)
    const pool = new ModelPool(noopLogger)
    expect(await codeOf(pool.ensure(workerSpec(loadCardFile(path), { preferProviders: ['cpu'] })))).toBe('model/hash-mismatch')
  })
})
