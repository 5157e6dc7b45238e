/**
 * Batch classifier throughput as the engine runs it (docs/BENCHMARKS.md, "Batch classifier"):
 * `npx tsx test/bench/classifier-batch.ts [--models models] [--rounds 3] [--out docs/bench/classifier-batch.json]`.
 * For batch sizes 1, 4, 8, 16 and 32 (the worker runs chunks of CLASSIFY_CHUNK), the median time of
 * `engine.classify` per batch and per image, next to one explain run of the same image (the full explainer).
 * Records the 1-minute load average, since this 2-core VM is shared. Not a test: no asserts.
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { createEngine } from '../../main/engine'
import { CLASSIFY_CHUNK } from '../../main/worker/classify-job'

const { values } = parseArgs({ options: { models: { type: 'string' }, rounds: { type: 'string' }, out: { type: 'string' } } })
const rounds = Number(values.rounds ?? 3)
const engine = await createEngine({ modelsDir: values.models ?? 'models', preferProviders: ['cpu'], preload: false, precomputeMatrices: 'never' })
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!
try {
  const model = engine.listModels().find((m) => m.isDefault)!
  const image = { width: 224, height: 224, rgb: new Uint8Array(224 * 224 * 3).map((_, i) => (i * 31) % 256), sourceSha256: '0'.repeat(64) }
  const { tensor } = await engine.modelInput(image, { modelId: model.id })
  await engine.classify(tensor, 1, { modelId: model.id })
  const explainMs: number[] = []
  for (let r = 0; r < rounds; r++) {
    const t = performance.now()
    await engine.explain(image, { modelId: model.id, targetClass: 1, methods: ['mamba-attribution'] })
    explainMs.push(performance.now() - t)
  }
  // Sizes interleaved round by round, so that a change of this shared VM's speed hits every size alike.
  const sizes = [1, 4, 8, 16, 32]
  const ms = new Map(sizes.map((n) => [n, [] as number[]]))
  for (let r = 0; r < rounds; r++) {
    for (const n of sizes) {
      const inputs = new Float32Array(n * tensor.length)
      for (let i = 0; i < n; i++) inputs.set(tensor, i * tensor.length)
      ms.get(n)!.push((await engine.classify(inputs, n, { modelId: model.id })).durationMs)
    }
  }
  const batches = sizes.map((n) => {
    const m = ms.get(n)!
    return { batch: n, medianMs: Math.round(median(m)), perImageMs: Math.round(median(m) / n), samplesMs: m.map(Math.round) }
  })
  for (const b of batches) console.log(JSON.stringify(b))
  const result = {
    date: new Date().toISOString(), model: model.id, provider: engine.provider(), chunk: CLASSIFY_CHUNK, rounds,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)), explainFullMedianMs: Math.round(median(explainMs)), batches,
  }
  console.log(JSON.stringify({ explainFullMedianMs: result.explainFullMedianMs, loadAverage1m: result.loadAverage1m }))
  if (values.out !== undefined) writeFileSync(values.out, JSON.stringify(result, null, 1) + '\n')
} finally {
  await engine.close()
}
