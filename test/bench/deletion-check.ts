/**
 * What the quick deletion check (issue 13 item 3) adds to one explanation, on the default model
 * (docs/TRUST.md, "Cost of the quick deletion check"):
 *   nice -n 10 npx tsx test/bench/deletion-check.ts [--models models] [--rounds 7] [--data ../shared/data] [--out docs/bench/deletion-check.json]
 * Per round: one explain run (Mamba-Attribution, the first of the app's preferred methods), then `engine.faithfulness` of its map (8 perturbed inputs
 * through the batch classifier, split over its two lanes on a multi-core CPU: what the app requests next to every
 * shown map), then the same check again: the random control of that input is then known, so only the 4
 * relevance-ordered inputs run (the cost of the check of every further method of the same input). Also the
 * explain run's own trust step (the worker's timing: domain guard, verdict, agreement), whose classifier run for
 * the guard's features overlaps the explainer graph on the second lane. Reports the
 * median wall time of each, the worker's own duration of the check and the process CPU time it used (all
 * threads), since this 2-core VM is shared: the 1-minute load averages before and after are recorded too.
 * Inputs: the first BUS-BRA test-fold images when ../shared/data is there (a different one per round and for the
 * warm-up, so no round reuses a random control), else synthetic 224 × 224 grey ramps (the cost does not depend
 * on content). Not a test: no asserts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { createEngine } from '../../main/engine'
import { readBusbra } from '../main/models/busbra'

const { values } = parseArgs({ options: { models: { type: 'string' }, rounds: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' } } })
const rounds = Number(values.rounds ?? 7)
const busbraDir = path.join(values.data ?? '../shared/data', 'busbra')
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!

interface Image { width: number; height: number; rgb: Uint8Array; sourceSha256: string }
async function inputs(n: number): Promise<{ source: string; images: Image[] }> {
  if (!existsSync(path.join(busbraDir, '5-fold-cv.csv'))) {
    const ramp = (k: number): Image => ({ width: 224, height: 224, rgb: new Uint8Array(224 * 224 * 3).map((_, i) => (Math.floor(i / (224 * 3)) + k) & 255), sourceSha256: '0'.repeat(64) })
    return { source: 'synthetic 224x224 grey ramps (../shared/data absent)', images: Array.from({ length: n }, (_, k) => ramp(k)) }
  }
  const ids = readBusbra(busbraDir).filter((r) => r.fold === 1).slice(0, n).map((r) => r.id)
  const images = await Promise.all(ids.map(async (id) => {
    const { data, info } = await sharp(readFileSync(path.join(busbraDir, 'Images', `${id}.png`))).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
    return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), sourceSha256: '0'.repeat(64) }
  }))
  return { source: `BUS-BRA test fold, first ${ids.length} images by id`, images }
}

const engine = await createEngine({ modelsDir: values.models ?? 'models', preferProviders: ['cpu'], preload: false, precomputeMatrices: 'never' })
try {
  const model = engine.listModels().find((m) => m.isDefault)!
  const load0 = loadavg()[0]!
  const { source, images } = await inputs(rounds + 1)
  const methodId = 'mamba-attribution'
  // Warm-up on the last image: sessions created (the classifier's second lane starts with its session), first runs out of the way.
  const warm = await engine.explain(images[images.length - 1]!, { modelId: model.id, methods: [methodId] })
  await engine.faithfulness(warm.runId, methodId)
  await new Promise((resolve) => setTimeout(resolve, 3000))
  await engine.faithfulness((await engine.explain(images[images.length - 1]!, { modelId: model.id, methods: [methodId] })).runId, methodId)
  const explainMs: number[] = []
  const checkMs: number[] = []
  const workerMs: number[] = []
  const checkCpuMs: number[] = []
  const repeatMs: number[] = []
  const trustMs: number[] = []
  for (let r = 0; r < rounds; r++) {
    const image = images[r % (images.length - 1)]!
    let t = performance.now()
    const res = await engine.explain(image, { modelId: model.id, methods: [methodId] })
    explainMs.push(performance.now() - t)
    trustMs.push(res.timings['trust'] ?? NaN)
    const cpu = process.cpuUsage()
    t = performance.now()
    const check = await engine.faithfulness(res.runId, methodId)
    checkMs.push(performance.now() - t)
    const used = process.cpuUsage(cpu)
    checkCpuMs.push((used.user + used.system) / 1000)
    if (check === null) throw new Error('the default model has no classifier graph: no deletion check')
    workerMs.push(check.durationMs)
    t = performance.now()
    await engine.faithfulness(res.runId, methodId)
    repeatMs.push(performance.now() - t)
  }
  const round = (v: number[]): number[] => v.map((x) => Math.round(x))
  const result = {
    date: new Date().toISOString(), model: model.id, method: methodId, provider: engine.provider(), cores: cpus().length,
    loadAverage1mBefore: Number(load0.toFixed(2)), loadAverage1m: Number(loadavg()[0]!.toFixed(2)), rounds, inputs: source, perturbedInputs: 8,
    classifierLanes: availableParallelism() >= 2 ? 2 : 1,
    targetMs: 500,
    checkMedianMs: Math.round(median(checkMs)), checkWorkerMedianMs: Math.round(median(workerMs)), checkCpuMedianMs: Math.round(median(checkCpuMs)),
    repeatCheckMedianMs: Math.round(median(repeatMs)),
    explainMedianMs: Math.round(median(explainMs)), explainTrustStepMedianMs: Math.round(median(trustMs)),
    samples: { checkMs: round(checkMs), checkWorkerMs: round(workerMs), checkCpuMs: round(checkCpuMs), repeatCheckMs: round(repeatMs), explainMs: round(explainMs), explainTrustStepMs: round(trustMs) },
  }
  console.log(JSON.stringify(result, null, 1))
  if (values.out !== undefined) writeFileSync(values.out, JSON.stringify(result, null, 1) + '\n')
} finally {
  await engine.close()
}
