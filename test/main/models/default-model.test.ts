// @vitest-environment node
/**
 * The app's default model (models/vim-busbra-d12.*): its card is honest and its test-set numbers are
 * reproducible. The metrics are recomputed here from the committed ONNX graph on the held-out BUS-BRA
 * test images read from ../shared/data/busbra (fold 1 of the authors' patient-wise 5-fold file), with the
 * preprocessing the card declares (sharp, `stretch`, linear kernel, ImageNet mean/std; see busbra.ts),
 * and must match the card. Skipped, with the reason in the test name, where the data is absent.
 *
 * Tolerances: AUC ±1e-3; sensitivity / specificity / balanced accuracy may differ by at most one image per
 * class (a score that sits within float rounding of the threshold on another CPU / sharp build).
 * Cost: one graph run per test image (376 runs of the full explainer graph; ~2–4 min on 2 cores).
 */
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { atThreshold, hasBusbra, malignantProbability, readBusbra, rocAuc, runImage, stretchInput, type InputCard } from './busbra'

const MODEL = 'vim-busbra-d12'
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const modelsDir = path.join(repoRoot, 'models')
const dataDir = path.resolve(repoRoot, '../shared/data/busbra')
const haveData = hasBusbra(dataDir)

interface TestMetrics {
  n: number
  malignant: number
  benign: number
  auc: number
  sensitivity: number
  specificity: number
  balancedAccuracy: number
  counts: { tp: number; fn: number; tn: number; fp: number }
  ci95: Record<string, [number, number]>
}
interface Card {
  file: string
  sha256: string
  default?: boolean
  classes: string[]
  input: InputCard
  intendedUse?: string
  data?: { citation?: string; licence?: { text?: string }; split?: { file: string; testFold: number; valFold: number } }
  evaluation?: { threshold: number; test: TestMetrics }
  forwardGraph?: { file: string; sha256: string }
}

const readCard = (name: string): Card => JSON.parse(readFileSync(path.join(modelsDir, `${name}.json`), 'utf8')) as Card
const card = readCard(MODEL)

describe(`default model card (${MODEL})`, () => {
  // The conformance model's graphs are built from ../shared/conformance (scripts/conformance-model.mjs), so
  // only its committed card is checked here.
  it('is the default model; the conformance model\'s card stays installed but is not the default', () => {
    expect(card.default).toBe(true)
    expect(readCard('vim-tiny-conformance').default).toBe(false)
  })

  it('graph files match the card hashes and stay under 40 MB', () => {
    for (const [name, sha] of [[card.file, card.sha256], ...(card.forwardGraph ? [[card.forwardGraph.file, card.forwardGraph.sha256]] : [])]) {
      const file = path.join(modelsDir, name!)
      expect(statSync(file).size).toBeLessThan(40e6)
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(sha)
    }
  })

  it('declares data source, citation, licence, split, intended use and test metrics with 95% intervals', () => {
    expect(card.classes).toEqual(['benign', 'malignant'])
    expect(card.input.resize).toBe('stretch')
    expect(card.data?.citation).toMatch(/Gómez-Flores/)
    expect(card.data?.licence?.text).toMatch(/Permission is hereby granted/)
    expect(card.data?.split).toMatchObject({ file: '5-fold-cv.csv', testFold: 1, valFold: 2 })
    expect(card.intendedUse).toMatch(/not for (clinical )?diagnosis/i)
    const t = card.evaluation?.test
    expect(t).toBeDefined()
    for (const k of ['auc', 'sensitivity', 'specificity', 'balancedAccuracy'] as const) {
      const ci = t?.ci95[k]
      expect(ci?.[0]).toBeLessThanOrEqual(t?.[k] as number)
      expect(ci?.[1]).toBeGreaterThanOrEqual(t?.[k] as number)
    }
  })
})

describe('default model test-set metrics, recomputed from the committed ONNX', () => {
  const title = 'AUC, sensitivity, specificity and balanced accuracy on the BUS-BRA test fold match the card'
  if (!haveData) {
    it.skip(`${title} — skipped: BUS-BRA not found at ${dataDir} (read-only shared data absent on this machine)`, () => {})
    return
  }
  let sess: ort.InferenceSession | undefined
  let full: ort.InferenceSession | undefined
  afterAll(async () => { await sess?.release(); await full?.release() })

  it(title, async () => {
    const ev = card.evaluation
    if (ev === undefined || card.data?.split === undefined) throw new Error('card has no evaluation / split')
    const recs = readBusbra(dataDir).filter((r) => r.fold === card.data?.split?.testFold)
    expect(recs.length).toBe(ev.test.n)
    // The forward-only variant where the card has one (same weights, no backward passes: about half the
    // time); its logits are checked against the full graph's on the first images below.
    sess = await ort.InferenceSession.create(path.join(modelsDir, card.forwardGraph?.file ?? card.file), { executionProviders: ['cpu'] })
    if (card.forwardGraph) full = await ort.InferenceSession.create(path.join(modelsDir, card.file), { executionProviders: ['cpu'] })
    const scores: number[] = []
    const labels: number[] = []
    const t0 = Date.now()
    let next = stretchInput(path.join(dataDir, 'Images', `${recs[0]?.id}.png`), card.input)
    for (let i = 0; i < recs.length; i++) {
      const x = await next
      if (i + 1 < recs.length) next = stretchInput(path.join(dataDir, 'Images', `${recs[i + 1]?.id}.png`), card.input) // overlap decode with the run
      const out = await runImage(sess, x, card.input, [0, 1], ['logits'])
      scores.push(malignantProbability(out.logits?.data as Float32Array))
      if (full && i < 3) {
        const ref = (await runImage(full, x, card.input, [0, 1], ['logits'])).logits?.data as Float32Array
        ;(out.logits?.data as Float32Array).forEach((v, k) => expect(Math.abs(v - ref[k]!)).toBeLessThan(1e-5))
      }
      labels.push((recs[i] as { label: number }).label)
    }
    const auc = rocAuc(scores, labels)
    const m = atThreshold(scores, labels, ev.threshold)
    console.info(`[default-model] ${recs.length} test images in ${((Date.now() - t0) / 1000).toFixed(0)} s: AUC ${auc.toFixed(4)} ` +
      `(card ${ev.test.auc.toFixed(4)}), sens ${m.sensitivity.toFixed(4)}, spec ${m.specificity.toFixed(4)}, counts ${JSON.stringify({ tp: m.tp, fn: m.fn, tn: m.tn, fp: m.fp })}`)
    expect(labels.filter((y) => y === 1).length).toBe(ev.test.malignant)
    expect(Math.abs(auc - ev.test.auc)).toBeLessThanOrEqual(1e-3)
    const onePos = 1 / ev.test.malignant + 1e-9
    const oneNeg = 1 / ev.test.benign + 1e-9
    expect(Math.abs(m.sensitivity - ev.test.sensitivity)).toBeLessThanOrEqual(onePos)
    expect(Math.abs(m.specificity - ev.test.specificity)).toBeLessThanOrEqual(oneNeg)
    expect(Math.abs(m.balancedAccuracy - ev.test.balancedAccuracy)).toBeLessThanOrEqual((onePos + oneNeg) / 2)
  }, 900_000)
})
