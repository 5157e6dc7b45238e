/**
 * Card script (not a test): fits and measures the domain guard of a model (docs/TRUST.md).
 *
 *   nice -n 10 npx tsx test/main/trust/fit-domain-guard.ts [--card models/vim-busbra-d12.json] [--batch 8]
 *     [--data ../shared/data] [--cache .work/trust] [--stats models/<id>.domain.json] [--report docs/trust/<id>.domain-guard.json]
 *
 * 1. Features and logits of every set of domain-sets.ts through the app's engine: `modelInput` (the exact
 *    preprocessing of `explain`) then `classify` (the card's batch classifier graph: `logits`, `features`).
 *    Cached per set under --cache, keyed by the classifier graph's sha256 (resumable; delete to recompute).
 * 2. Fit: class means and shrunk tied covariance of the TRAINING split's features → --stats (statistics only).
 * 3. Tune: the Mahalanobis threshold is the QUANTILE-th quantile of the VALIDATION split's distances, checked
 *    against the tuning noise seeds; the energy second opinion gets the same quantile of validation energies.
 * 4. Judge on sets the choice never saw: BUS-BRA test fold, scanner proxies of it, pets, DICOM, NIfTI, held-out
 *    noise seeds → --report (per set: n, share flagged by each rule, score quartiles).
 * The card's `domain` block (threshold, secondOpinion, meanGrey, features file + sha256) is printed for copying.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DOMAIN_STATS_SCHEMA, gaussianOf, packLower } from '../../../main/adapters/trust/domain-stats'
import { assessDomain, colourShare, type DomainSpec } from '../../../main/core/trust/domain'
import { energy, fitGaussian, mahalanobis, quantile } from '../../../main/core/trust/gaussian'
import { createEngine, type LensEngine } from '../../../main/engine'
import { busbra, dicom, nifti, noise, pets, scannerProxy, SCANNER_PROXIES, type SetImage } from './domain-sets'

/** Validation quantile that sets the threshold: ~2.5 % of in-domain images flagged, inside the ≤ 5 % target. */
const QUANTILE = 0.975
/** Covariance shrinkage towards a scaled identity (1114 training images, 192 features). */
const SHRINKAGE = 0.05
const NOISE_PER_KIND = 10

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}

interface Row { id: string; label?: number; modality?: string; colourShare: number; logits: number[]; features: number[]; meanGrey: number }
interface CardLike {
  id?: string; classes: string[]
  input: { shape: number[]; mean: number[]; std: number[] }
  classifierGraph?: { file: string; sha256: string }
  domain?: { trainedOn: DomainSpec['trainedOn'] }
}

/** Mean grey (0–255) of a normalised [3, H, W] input: the card's normalisation undone, averaged over channels. */
function meanGreyOf(tensor: Float32Array, card: CardLike): number {
  const plane = tensor.length / 3
  let s = 0
  for (let c = 0; c < 3; c++) {
    let sum = 0
    for (let i = c * plane; i < (c + 1) * plane; i++) sum += tensor[i]!
    s += (sum / plane) * card.input.std[c]! + card.input.mean[c]!
  }
  return (255 * s) / 3
}

async function featuresOf(engine: LensEngine, modelId: string, card: CardLike, images: AsyncGenerator<SetImage>, batch: number): Promise<Row[]> {
  const rows: Row[] = []
  let pending: { im: SetImage; tensor: Float32Array }[] = []
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return
    const per = pending[0]!.tensor.length
    const data = new Float32Array(pending.length * per)
    pending.forEach((p, k) => data.set(p.tensor, k * per))
    const out = await engine.classify(data, pending.length, { modelId })
    pending.forEach((p, k) => rows.push({
      id: p.im.id, ...(p.im.label !== undefined ? { label: p.im.label } : {}), ...(p.im.modality !== undefined ? { modality: p.im.modality } : {}),
      colourShare: colourShare(p.im.image.data), meanGrey: meanGreyOf(p.tensor, card),
      logits: Array.from(out.logits.subarray(k * out.classes, (k + 1) * out.classes)),
      features: Array.from(out.features.subarray(k * out.featureDim, (k + 1) * out.featureDim)),
    }))
    pending = []
  }
  for await (const im of images) {
    const input = await engine.modelInput({ width: im.image.width, height: im.image.height, rgb: im.image.data, sourceSha256: '' }, { modelId })
    pending.push({ im, tensor: input.tensor })
    if (pending.length >= batch) await flush()
  }
  await flush()
  return rows
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4

async function main(): Promise<void> {
  const cardPath = arg('card', 'models/vim-busbra-d12.json')
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as CardLike
  const id = card.id ?? path.basename(cardPath, '.json')
  if (card.classifierGraph === undefined) throw new Error('the card has no classifierGraph')
  const batch = Number(arg('batch', '8'))
  const dataDir = path.resolve(arg('data', '../shared/data'))
  const cacheDir = arg('cache', '.work/trust')
  const statsPath = arg('stats', path.join(path.dirname(cardPath), `${id}.domain.json`))
  const reportPath = arg('report', `docs/trust/${id}.domain-guard.json`)
  if (card.domain?.trainedOn === undefined) throw new Error('the card needs domain.trainedOn (what the model was trained on) first')
  const engine = await createEngine({ modelsDir: path.dirname(cardPath), preferProviders: ['cpu'], precomputeMatrices: 'never', preload: false })
  mkdirSync(cacheDir, { recursive: true })
  const skippedDicom: string[] = []
  const sets: Record<string, () => AsyncGenerator<SetImage>> = {
    'busbra-train': () => busbra(dataDir, 'train'),
    'busbra-val': () => busbra(dataDir, 'val'),
    'noise-tuning': () => noise(0, NOISE_PER_KIND),
    'busbra-test': () => busbra(dataDir, 'test'),
    ...Object.fromEntries(Object.keys(SCANNER_PROXIES).map((p) => [`busbra-test-${p}`, () => scannerProxy(dataDir, p)])),
    pets: () => pets(dataDir),
    'dicom-not-us': () => dicom(dataDir, false, skippedDicom),
    'dicom-us-not-breast': () => dicom(dataDir, true, skippedDicom),
    'nifti-slices': () => nifti(dataDir),
    'noise-heldout': () => noise(10_000, NOISE_PER_KIND),
  }
  const graphSha = card.classifierGraph.sha256
  const data: Record<string, Row[]> = {}
  for (const [name, make] of Object.entries(sets)) {
    const file = path.join(cacheDir, `${name}.json`)
    const cached = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { graphSha: string; rows: Row[] }) : null
    if (cached !== null && cached.graphSha === graphSha) {
      data[name] = cached.rows
      continue
    }
    const t0 = Date.now()
    data[name] = await featuresOf(engine, id, card, make(), batch)
    writeFileSync(file, JSON.stringify({ graphSha, rows: data[name] }))
    console.log(`${name}: ${data[name].length} images, ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  }
  await engine.close()

  const train = data['busbra-train']!
  const g = fitGaussian(train.map((r) => r.features), train.map((r) => r.label ?? 0), card.classes.length, SHRINKAGE)
  const meanGrey = train.reduce((s, r) => s + r.meanGrey, 0) / train.length
  const stats = {
    schema: DOMAIN_STATS_SCHEMA,
    what: 'Class means and the whitening W = L^-1 of the shrunk tied covariance (Sigma = L L^T) of the classifier graph\'s pooled features (final-normed CLS token) on the BUS-BRA TRAINING split; statistics only, no per-image data.',
    features: { graph: card.classifierGraph.file, graphSha256: graphSha, output: 'features' },
    split: 'BUS-BRA folds 3-5 (training)', n: train.length, nPerClass: card.classes.map((_, c) => train.filter((r) => r.label === c).length),
    shrinkage: SHRINKAGE, meanGrey: r4(meanGrey), dim: g.dim,
    means: g.means.map((m) => Array.from(m, (v) => Number(v.toPrecision(8)))),
    whiteningLower: packLower(g.whitening, g.dim).map((v) => Number(v.toPrecision(8))),
    script: 'test/main/trust/fit-domain-guard.ts',
  }
  mkdirSync(path.dirname(statsPath), { recursive: true })
  const statsText = `${JSON.stringify(stats)}\n`
  writeFileSync(statsPath, statsText)
  // Score with the statistics as written (rounded), exactly as the app will read them.
  const gs = gaussianOf(JSON.parse(statsText) as unknown)
  const val = data['busbra-val']!
  const threshold = quantile(val.map((r) => mahalanobis(r.features, gs)), QUANTILE)
  const energyThreshold = quantile(val.map((r) => energy(r.logits)), QUANTILE)
  const spec: DomainSpec = { trainedOn: card.domain.trainedOn, score: 'mahalanobis', threshold, secondOpinion: { score: 'energy', threshold: energyThreshold } }
  const sets_: Record<string, unknown> = {}
  for (const [name, rows] of Object.entries(data)) {
    const a = rows.map((r) => ({ r, d: assessDomain(spec, gs, r.features, r.logits, { ...(r.modality !== undefined ? { modality: r.modality } : {}), colourShare: r.colourShare }) }))
    const share = (f: (x: (typeof a)[number]) => boolean): number => r4(a.filter(f).length / Math.max(1, a.length))
    const scores = a.map((x) => x.d.score ?? NaN)
    sets_[name] = {
      n: rows.length,
      flagged: share((x) => x.d.inDomain === false),
      flaggedByFeatures: share((x) => (x.d.score ?? 0) > threshold),
      flaggedByEnergy: share((x) => x.d.secondOpinion?.inDomain === false),
      flaggedByModality: share((x) => x.d.reasons.some((s) => s.includes('modality'))),
      flaggedByColour: share((x) => x.d.reasons.some((s) => s.includes('coloured'))),
      mahalanobis: { p5: r4(quantile(scores, 0.05)), median: r4(quantile(scores, 0.5)), p95: r4(quantile(scores, 0.95)) },
      missed: a.filter((x) => x.d.inDomain !== false).map((x) => x.r.id).slice(0, 40),
    }
  }
  const report = {
    schema: 'mamba-lens.domain-guard-report/1', model: id, date: new Date().toISOString().slice(0, 10),
    command: `npx tsx test/main/trust/fit-domain-guard.ts --card ${cardPath} --batch ${batch}`,
    features: stats.features, fit: { split: stats.split, n: train.length, shrinkage: SHRINKAGE },
    tuning: {
      rule: `threshold = ${QUANTILE} quantile of the Mahalanobis distances of the BUS-BRA VALIDATION split (fold 2); energy second opinion: same quantile of validation energies`,
      threshold: r4(threshold), energyThreshold: r4(energyThreshold),
      usedSets: ['busbra-train (fit)', 'busbra-val (threshold)', 'noise-tuning (checked, seeds 0-9 per kind)'],
    },
    heldOut: ['busbra-test', ...Object.keys(SCANNER_PROXIES).map((p) => `busbra-test-${p}`), 'pets', 'dicom-not-us', 'dicom-us-not-breast', 'nifti-slices', 'noise-heldout'],
    skippedDicom,
    sets: sets_,
  }
  mkdirSync(path.dirname(reportPath), { recursive: true })
  writeFileSync(reportPath, `${JSON.stringify(report, null, 1)}\n`)
  const cardDomain = {
    features: { file: path.basename(statsPath), sha256: sha256(statsText) }, score: 'mahalanobis', threshold: r4(threshold),
    secondOpinion: { score: 'energy', threshold: r4(energyThreshold) }, meanGrey: r4(meanGrey),
    tuning: { rule: report.tuning.rule, report: reportPath, script: 'test/main/trust/fit-domain-guard.ts' },
  }
  console.log(`card domain block (merge into ${cardPath} "domain"):\n${JSON.stringify(cardDomain, null, 1)}`)
  for (const [name, s] of Object.entries(sets_)) {
    const x = s as { n: number; flagged: number; flaggedByFeatures: number; flaggedByEnergy: number }
    console.log(`${name.padEnd(30)} n=${String(x.n).padStart(4)} flagged ${(100 * x.flagged).toFixed(1)}% (features ${(100 * x.flaggedByFeatures).toFixed(1)}%, energy ${(100 * x.flaggedByEnergy).toFixed(1)}%)`)
  }
}

await main()
