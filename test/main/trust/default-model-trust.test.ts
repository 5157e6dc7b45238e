// @vitest-environment node
/**
 * The trust layer on the app's default model, through the real engine (worker + onnxruntime) and the app's
 * image path (loadImageFile → modelInputFromScan), reading ../shared/data at run time (skipped, with the
 * reason in the test name, where it is absent):
 * - the verdict follows the card's operating threshold: bus_0231-l (biopsy-proven malignant, p(malignant)
 *   between the threshold 0.402 and 0.5) is malignant although "benign" has the larger probability;
 * - a head CT DICOM is out of domain by its declared Modality alone;
 * - with the card's classifier graph and domain statistics: a cat photo and a noise image are out of domain,
 *   a BUS-BRA test image is in domain, and the quick deletion check returns its curve, its random control
 *   seeded by the input and reused for the next method's check.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { EngineImage } from '../../../main/core/engine/api'
import { loadImageFile } from '../../../main/adapters/image-io/registry'
import { modelInputFromScan } from '../../../main/core/image/model-input'
import { createEngine, type LensEngine } from '../../../main/engine'
import { deletionPlan, greyFill, imageSeed, perturbedBatch } from '../../../main/core/trust/deletion-check'
import { softmax } from '../../../main/core/eval/softmax'
import { mahalanobis } from '../../../main/core/trust/gaussian'
import { readDomainStats } from '../../../main/adapters/trust/domain-stats'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const data = path.resolve(repoRoot, '../shared/data')
const card = JSON.parse(readFileSync(path.join(repoRoot, 'models/vim-busbra-d12.json'), 'utf8')) as {
  operatingPoint: { threshold: number }; classifierGraph?: unknown; domain?: { features?: { file: string }; meanGrey?: number }
  input: { mean: number[]; std: number[] }
}
const BUS_0231 = path.join(data, 'busbra/Images/bus_0231-l.png')
const CT = path.join(data, 'dicom/CT_small.dcm')
const CAT = path.join(data, 'oxford-iiit-pet-subset/images/Abyssinian_11.jpg')
const BUS_TEST = path.join(data, 'busbra/Images/bus_0002-l.png')
const guardReady = card.classifierGraph !== undefined && card.domain?.features !== undefined

const titled = (name: string, files: string[], extra: string | null = null): string => {
  const missing = files.filter((f) => !existsSync(f)).map((f) => path.relative(repoRoot, f))
  const why = [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...(extra !== null ? [extra] : [])]
  return why.length > 0 ? `${name} (skipped: ${why.join('; ')})` : name
}
const canRun = (files: string[], extra = true): boolean => extra && files.every(existsSync)

async function engineImage(file: string): Promise<EngineImage> {
  const scan = await loadImageFile(readFileSync(file), { name: path.basename(file) })
  const img = modelInputFromScan(scan).image
  return { width: img.width, height: img.height, rgb: img.data, sourceSha256: '0'.repeat(64), ...(scan.kind === 'dicom' ? { modality: scan.modality } : {}) }
}

let engine: LensEngine | null = null
const getEngine = async (): Promise<LensEngine> => (engine ??= await createEngine({ modelsDir: path.join(repoRoot, 'models'), preferProviders: ['cpu'], precomputeMatrices: 'never', preload: false }))
afterAll(async () => engine?.close())

const METHODS = ['mamba-attribution', 'mamba-lrp']

describe('trust on the default model', () => {
  it.skipIf(!canRun([BUS_0231]))(titled('bus_0231-l (malignant) is called malignant at the card threshold', [BUS_0231]), async () => {
    const r = await (await getEngine()).explain(await engineImage(BUS_0231), { methods: METHODS })
    expect(r.topK[0]!.label).toBe('benign') // the larger probability says benign…
    expect(r.verdict).toMatchObject({ label: 'malignant', classIndex: 1, positiveClass: 1, threshold: card.operatingPoint.threshold })
    expect(r.verdict.probability).toBeGreaterThanOrEqual(card.operatingPoint.threshold) // …the operating point says malignant
    expect(r.verdict.probability).toBeLessThan(0.5)
    // The map explains the verdict shown next to it, not the larger probability.
    expect(r.targetClass).toBe(1)
    // The graph first explained its argmax (benign); the operating point decided otherwise: one more run.
    expect(r.timings['graphRuns']).toBe(2)
  })

  it.skipIf(!canRun([CT]))(titled('a head CT DICOM is out of domain by its Modality', [CT]), async () => {
    const r = await (await getEngine()).explain(await engineImage(CT), { methods: METHODS })
    expect(r.trust.domain.inDomain).toBe(false)
    expect(r.trust.domain.reasons.join(' ')).toMatch(/modality is CT; the model was trained on US/)
    expect(r.verdict.reliable).toBe(false)
  })

  const noGuard = guardReady ? null : 'the card has no classifierGraph / domain statistics yet'
  it.skipIf(!canRun([CAT, BUS_TEST], guardReady))(titled('features: cat and noise out of domain, a BUS-BRA image in domain; deletion check', [CAT, BUS_TEST], noGuard), async () => {
    const e = await getEngine()
    const cat = await e.explain(await engineImage(CAT), { methods: METHODS })
    expect(cat.trust.domain.inDomain).toBe(false)
    expect(cat.trust.domain.score!).toBeGreaterThan(cat.trust.domain.threshold!)
    const noise: EngineImage = { width: 224, height: 224, rgb: new Uint8Array(224 * 224 * 3).map((_, i) => (i * 7919) % 251), sourceSha256: '0'.repeat(64) }
    expect((await e.explain(noise, { methods: METHODS })).trust.domain.inDomain).toBe(false)
    const us = await e.explain(await engineImage(BUS_TEST), { methods: METHODS })
    // Where the verdict is the argmax, the one run that explained the argmax is enough.
    if (us.verdict.classIndex === us.topK[0]!.index) expect(us.timings['graphRuns']).toBe(1)
    expect(us.trust.domain.inDomain).toBe(true)
    expect(us.verdict.reliable).toBe(true)
    const check = await e.faithfulness(us.runId, 'mamba-lrp')
    expect(check!.points.map((p) => p.fraction)).toEqual([0.1, 0.2, 0.3, 0.5])
    expect(check!.original).toBeCloseTo(us.topK.find((c) => c.index === us.targetClass)!.probability, 6)
    for (const p of check!.points) for (const v of [p.relevant, p.random]) expect(v).toBeGreaterThanOrEqual(0)
    // The random control is seeded by the input and reused for the next method's check of the same input:
    // the same points, and they are what the classifier says of those random patches replaced.
    const { tensor } = await e.modelInput(await engineImage(BUS_TEST), {})
    expect(check!.randomSeed).toBe(imageSeed(tensor))
    const other = await e.faithfulness(us.runId, 'mamba-attribution')
    expect(other!.randomSeed).toBe(check!.randomSeed)
    expect(other!.points.map((p) => p.random)).toEqual(check!.points.map((p) => p.random))
    expect(other!.points.map((p) => p.relevant)).not.toEqual(check!.points.map((p) => p.relevant))
    const plan = deletionPlan(new Float32Array(196), check!.randomSeed)
    const randomSets = { ...plan, sets: plan.sets.slice(plan.fractions.length) }
    const batch = perturbedBatch(tensor, { gridRows: 14, gridCols: 14, patchSize: 16, width: 224, height: 224 }, randomSets, greyFill(card.domain!.meanGrey!, card.input.mean, card.input.std))
    const out = await e.classify(batch, randomSets.sets.length, {})
    randomSets.sets.forEach((_, i) => {
      const p = softmax(out.logits.subarray(2 * i, 2 * i + 2))[check!.classIndex]!
      expect(Math.abs(p - check!.points[i]!.random)).toBeLessThan(1e-5)
    })
    // The guard's features (computed on the classifier's second lane while the explainer ran, once the lane is
    // up) are the classifier's features of this input: the same distance as from engine.classify.
    const again = await e.explain(await engineImage(BUS_TEST), { methods: METHODS })
    const stats = readDomainStats(path.join(repoRoot, 'models', card.domain!.features!.file))
    const direct = mahalanobis((await e.classify(tensor, 1, {})).features, stats.features)
    for (const r of [us, again]) expect(Math.abs(r.trust.domain.score! - direct)).toBeLessThan(1e-4)
  })
})
