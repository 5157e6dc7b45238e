/**
 * Card script (not a test): fits, tunes and judges the domain guard of a model (docs/TRUST.md).
 *
 *   nice -n 10 npx tsx test/main/trust/fit-domain-guard.ts [--card models/vim-busbra-d12.json] [--batch 8]
 *     [--data ../shared/data] [--cache .work/trust] [--no-proxies | --proxies gain-0.7,jpeg-q40,…]
 *
 * 1. Features, logits and pixel statistics of every set (domain-sets.ts) through the app's engine, cached
 *    under --cache (domain-features.ts; per-image data of ../shared files: never committed).
 * 2. Fit on the BUS-BRA TRAINING split only: class means + shrunk tied covariance of the pooled features, and
 *    mean + shrunk covariance of the pixel statistics → models/<id>.domain.json (statistics only).
 * 3. Tune on the VALIDATION split against the TUNING half of the non-breast-ultrasound images: of all pairs of
 *    validation quantiles for the two thresholds whose union flags ≤ VAL_BUDGET of the validation split, the
 *    pair that flags the most tuning outsiders (ties: the one that flags fewer validation images).
 * 4. Judge on what the tuning never saw: the BUS-BRA test fold (per scanner), leave-one-scanner-out refits,
 *    re-rendered test images (--no-proxies skips them) and the HELD-OUT half of the outsiders.
 * Writes docs/trust/<id>.domain-guard.json (aggregate numbers and thresholds; ids only for the few misses) and
 * the card's `domain` block (every other key of the card is left as it is).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DOMAIN_STATS_SCHEMA, domainStatsOf, packLower } from '../../../main/adapters/trust/domain-stats'
import { assessDomain, type DomainSpec, type DomainStats } from '../../../main/core/trust/domain'
import { energy, fitGaussian, mahalanobis, quantile, type FeatureGaussian } from '../../../main/core/trust/gaussian'
import { PIXEL_STATS_DIM, PIXEL_STATS_ID } from '../../../main/core/trust/pixel-stats'
import { createEngine } from '../../../main/engine'
import { setRows, type CardLike, type Row } from './domain-features'
import { busbra, dicom, nifti, noise, pets, scannerProxy, SCANNER_PROXIES, type SetImage } from './domain-sets'

/** Share of the validation split the two thresholds together may flag (the target on the test fold is ≤ 5 %). */
const VAL_BUDGET = 0.025
/** Candidate validation quantiles for each threshold. */
const QUANTILES = [0.95, 0.96, 0.97, 0.975, 0.98, 0.985, 0.99, 0.995, 1]
/** Covariance shrinkage towards a scaled identity (on standardised values for the pixel statistics). */
const SHRINKAGE = 0.05
/** Energy second opinion: reported only, this validation quantile. */
const ENERGY_QUANTILE = 0.975
const NOISE_PER_KIND = 10

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/**
 * The outsiders of one set split in two halves, tuning and held out. DICOM samples come in families (one image
 * in several encodings: MR_small, MR_small_RLE, …) and NIfTI slices in volumes: each family or volume lies on one
 * side only, families alternating in sorted order; pet photos alternate by position.
 */
export function outsiderHalves(set: string, rows: readonly Row[]): { tuning: Row[]; heldOut: Row[] } {
  const familyOf = (id: string, i: number): string => (set === 'pets' ? String(i) : set === 'nifti-slices' ? id.split(':')[0]! : id.split(/[_\-.]/)[0]!)
  const families = [...new Set(rows.map((r, i) => familyOf(r.id, i)))].sort((a, b) => (set === 'pets' ? Number(a) - Number(b) : a < b ? -1 : 1))
  const tuning = (r: Row, i: number): boolean => families.indexOf(familyOf(r.id, i)) % 2 === 0
  return { tuning: rows.filter((r, i) => tuning(r, i)), heldOut: rows.filter((r, i) => !tuning(r, i)) }
}

/** Mean + shrunk covariance fitted on standardised columns, with the standardisation folded back into W. */
function fitStandardised(rows: readonly number[][], shrinkage: number): FeatureGaussian {
  const dim = rows[0]!.length
  const mu = Array.from({ length: dim }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length)
  const sd = Array.from({ length: dim }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mu[j]!) ** 2, 0) / rows.length) || 1)
  const z = rows.map((r) => r.map((v, j) => (v - mu[j]!) / sd[j]!))
  const g = fitGaussian(z, z.map(() => 0), 1, shrinkage)
  const w = Float64Array.from(g.whitening, (v, k) => v / sd[k % dim]!)
  return { dim, means: g.means.map((m) => Float64Array.from(m, (v, j) => v * sd[j]! + mu[j]!)), whitening: w }
}

const packGaussian = (g: FeatureGaussian): { dim: number; means: number[][]; whiteningLower: number[] } => ({
  dim: g.dim, means: g.means.map((m) => Array.from(m, (v) => Number(v.toPrecision(9)))),
  whiteningLower: packLower(g.whitening, g.dim).map((v) => Number(v.toPrecision(9))),
})

interface Flags { any: boolean; features: boolean; pixels: boolean; modality: boolean; colour: boolean; energy: boolean }

function flagsOf(spec: DomainSpec, stats: DomainStats, r: Row): Flags {
  const d = assessDomain(spec, stats, r.features, r.logits, { ...(r.modality !== undefined ? { modality: r.modality } : {}), colourShare: r.colourShare }, r.pixels)
  return {
    any: d.inDomain === false, features: (d.score ?? 0) > spec.threshold, pixels: d.pixels !== null && d.pixels.score > d.pixels.threshold,
    modality: d.reasons.some((s) => s.includes('modality')), colour: d.reasons.some((s) => s.includes('coloured')),
    energy: d.secondOpinion?.inDomain === false,
  }
}

function summary(spec: DomainSpec, stats: DomainStats, rows: readonly Row[], listMisses: 'flagged' | 'missed' | null): Record<string, unknown> {
  const f = rows.map((r) => flagsOf(spec, stats, r))
  const share = (k: keyof Flags): number => r4(f.filter((x) => x[k]).length / Math.max(1, f.length))
  const miss = listMisses === null ? [] : rows.filter((_, i) => f[i]!.any === (listMisses === 'flagged')).map((r) => r.id)
  return {
    n: rows.length, flagged: share('any'),
    by: { features: share('features'), pixels: share('pixels'), modality: share('modality'), colour: share('colour') },
    energySecondOpinion: share('energy'),
    // Ids only (no scores) of the few inputs on the wrong side, to look at.
    ...(listMisses !== null ? { [`${listMisses}Ids`]: miss.slice(0, 30) } : {}),
  }
}

function fit(train: readonly Row[], classes: number): DomainStats {
  return {
    features: fitGaussian(train.map((r) => r.features), train.map((r) => r.label ?? 0), classes, SHRINKAGE),
    pixels: fitStandardised(train.map((r) => r.pixels), SHRINKAGE),
  }
}

/** The pair of validation quantiles (features, pixels) by the rule of step 3. */
function tune(trainedOn: DomainSpec['trainedOn'], stats: DomainStats, val: readonly Row[], outsiders: readonly Row[]) {
  const dv = val.map((r) => mahalanobis(r.features, stats.features))
  const pv = val.map((r) => mahalanobis(r.pixels, stats.pixels!))
  let best: { qf: number; qp: number; threshold: number; pixelThreshold: number; val: number; caught: number } | null = null
  for (const qf of QUANTILES) {
    for (const qp of QUANTILES) {
      const threshold = quantile(dv, qf)
      const pixelThreshold = quantile(pv, qp)
      const valShare = dv.filter((d, i) => d > threshold || pv[i]! > pixelThreshold).length / val.length
      if (valShare > VAL_BUDGET) continue
      const spec: DomainSpec = { trainedOn, score: 'mahalanobis', threshold, pixelThreshold }
      const caught = outsiders.filter((r) => flagsOf(spec, stats, r).any).length / outsiders.length
      if (best === null || caught > best.caught || (caught === best.caught && valShare < best.val)) best = { qf, qp, threshold, pixelThreshold, val: valShare, caught }
    }
  }
  if (best === null) throw new Error('no threshold pair stays within the validation budget')
  return best
}

/**
 * The card's text with its `domain` block replaced, every other byte kept: the card is also written by the
 * exporter and the evaluation, and a full rewrite would reformat their keys. Top-level keys sit at an indent of
 * one space, so the block ends where the next such key (or the card) begins.
 */
function withDomain(cardText: string, domain: unknown): string {
  const at = cardText.indexOf('\n "domain": ')
  if (!('domain' in (JSON.parse(cardText) as object)) || at < 0) throw new Error('expected a top-level "domain" key in the card (1-space indent)')
  const next = /,\n "[^"]+": /g
  next.lastIndex = at + 1
  const after = next.exec(cardText)
  const end = after !== null ? after.index : cardText.lastIndexOf('\n}')
  const text = `${cardText.slice(0, at)}\n "domain": ${JSON.stringify(domain, null, 1).replace(/\n/g, '\n ')}${cardText.slice(end)}`
  JSON.parse(text)
  return text
}

async function main(): Promise<void> {
  const cardPath = arg('card', 'models/vim-busbra-d12.json')
  const cardText = readFileSync(cardPath, 'utf8')
  const card = JSON.parse(cardText) as CardLike & { domain?: Record<string, unknown> & { trainedOn: DomainSpec['trainedOn'] } }
  const id = card.id ?? path.basename(cardPath, '.json')
  if (card.classifierGraph === undefined) throw new Error('the card has no classifierGraph')
  if (card.domain?.trainedOn === undefined) throw new Error('the card needs domain.trainedOn (what the model was trained on) first')
  const trainedOn = card.domain.trainedOn
  const dataDir = path.resolve(arg('data', '../shared/data'))
  const statsFile = `${id}.domain.json`
  const reportPath = `docs/trust/${id}.domain-guard.json`
  const skippedDicom: string[] = []
  const proxies = process.argv.includes('--no-proxies') ? [] : arg('proxies', Object.keys(SCANNER_PROXIES).join(',')).split(',')
  const unknown = proxies.filter((p) => SCANNER_PROXIES[p] === undefined)
  if (unknown.length > 0) throw new Error(`unknown proxies ${unknown.join(', ')}; known: ${Object.keys(SCANNER_PROXIES).join(', ')}`)
  const sets: Record<string, () => AsyncGenerator<SetImage>> = {
    'busbra-val': () => busbra(dataDir, 'val'),
    'busbra-test': () => busbra(dataDir, 'test'),
    pets: () => pets(dataDir),
    'dicom-not-us': () => dicom(dataDir, false, skippedDicom),
    'dicom-us': () => dicom(dataDir, true, skippedDicom),
    'nifti-slices': () => nifti(dataDir),
    'noise-tuning': () => noise(0, NOISE_PER_KIND),
    'noise-heldout': () => noise(10_000, NOISE_PER_KIND),
    'busbra-train': () => busbra(dataDir, 'train'),
    ...Object.fromEntries(proxies.map((p) => [`busbra-test-${p}`, () => scannerProxy(dataDir, p)])),
  }
  const engine = () => createEngine({ modelsDir: path.dirname(cardPath), preferProviders: ['cpu'], precomputeMatrices: 'never', preload: false })
  const data = await setRows(engine, id, card, sets, arg('cache', '.work/trust'), Number(arg('batch', '8')))

  // 2. Fit on the training split; score with the statistics as written (rounded), as the app reads them.
  const train = data['busbra-train']!
  const fitted = fit(train, card.classes.length)
  const statsJson = {
    schema: DOMAIN_STATS_SCHEMA,
    what: `Training-split statistics only (no per-image data): class means and whitening W = L^-1 of the shrunk tied covariance (Sigma = L L^T) of the classifier graph's pooled features (final-normed CLS token); under "pixels" the same for the ${PIXEL_STATS_DIM} speckle-texture statistics of the 8-bit model input (main/core/trust/pixel-stats.ts, ${PIXEL_STATS_ID}; covariance shrunk on standardised values).`,
    features: { graph: card.classifierGraph.file, graphSha256: card.classifierGraph.sha256, output: 'features' },
    split: 'BUS-BRA folds 3-5 (training)', n: train.length, nPerClass: card.classes.map((_, c) => train.filter((r) => r.label === c).length),
    shrinkage: SHRINKAGE, ...packGaussian(fitted.features), pixels: { statistics: PIXEL_STATS_ID, ...packGaussian(fitted.pixels!) },
    script: 'test/main/trust/fit-domain-guard.ts',
  }
  const statsText = `${JSON.stringify(statsJson)}\n`
  writeFileSync(path.join(path.dirname(cardPath), statsFile), statsText)
  const stats = domainStatsOf(JSON.parse(statsText) as unknown)

  // 3. Tune.
  const outsiderSets = ['pets', 'dicom-not-us', 'nifti-slices'] as const
  const halves = (half: 'tuning' | 'heldOut'): Row[] => outsiderSets.flatMap((s) => outsiderHalves(s, data[s]!)[half])
  const tuningOutsiders = [...halves('tuning'), ...data['noise-tuning']!]
  const heldOutOutsiders = [...halves('heldOut'), ...data['noise-heldout']!]
  const val = data['busbra-val']!
  const t = tune(trainedOn, stats, val, tuningOutsiders)
  const energyThreshold = quantile(val.map((r) => energy(r.logits)), ENERGY_QUANTILE)
  const spec: DomainSpec = { trainedOn, score: 'mahalanobis', threshold: r4(t.threshold), pixelThreshold: r4(t.pixelThreshold), secondOpinion: { score: 'energy', threshold: r4(energyThreshold) } }

  // 4. Judge.
  const test = data['busbra-test']!
  const devices = [...new Set(train.concat(val, test).map((r) => r.device ?? 'unknown'))].sort()
  const perScanner = Object.fromEntries(devices.map((d) => [d, summary(spec, stats, test.filter((r) => r.device === d), null)]))
  // Leave one scanner out: fit on the training split and tune on the validation split without it (same rule),
  // then flag every image of that scanner (all folds: none was seen).
  const all = [...train, ...val, ...test]
  const leaveOneOut = Object.fromEntries(devices.map((d) => {
    const tr = train.filter((r) => r.device !== d)
    if (tr.length < 2 * (train[0]?.features.length ?? 0)) return [d, { fitN: tr.length, skipped: 'too few training images without this scanner for a covariance fit' }]
    const s = fit(tr, card.classes.length)
    const tt = tune(trainedOn, s, val.filter((r) => r.device !== d), tuningOutsiders)
    const sp: DomainSpec = { trainedOn, score: 'mahalanobis', threshold: tt.threshold, pixelThreshold: tt.pixelThreshold }
    return [d, { fitN: tr.length, ...summary(sp, s, all.filter((r) => r.device === d), null), heldOutOutsidersFlagged: summary(sp, s, heldOutOutsiders, null)['flagged'] }]
  }))
  const proxyResults = Object.fromEntries(proxies.map((p) => [p, summary(spec, stats, data[`busbra-test-${p}`]!, null)]))
  const report = {
    schema: 'mamba-lens.domain-guard-report/2', model: id, date: new Date().toISOString().slice(0, 10),
    command: `nice -n 10 npx tsx test/main/trust/fit-domain-guard.ts --card ${cardPath}${proxies.length === 0 ? ' --no-proxies' : proxies.length < Object.keys(SCANNER_PROXIES).length ? ` --proxies ${proxies.join(',')}` : ''}`,
    fit: { split: statsJson.split, n: train.length, shrinkage: SHRINKAGE, statistics: `models/${statsFile}`, pixelStatistics: PIXEL_STATS_ID },
    tuning: {
      rule: `of all pairs of validation quantiles (${QUANTILES.join(', ')}) for the feature and the pixel threshold whose union flags <= ${VAL_BUDGET} of the BUS-BRA validation split (fold 2), the pair that flags the most tuning outsiders (ties: fewer validation flags); energy: ${ENERGY_QUANTILE} quantile of validation energies, reported only`,
      quantiles: { features: t.qf, pixels: t.qp }, threshold: spec.threshold, pixelThreshold: spec.pixelThreshold, energyThreshold: r4(energyThreshold),
      validation: summary(spec, stats, val, null), tuningOutsiders: summary(spec, stats, tuningOutsiders, 'missed'),
      outsiderSplit: 'pets: even positions (sorted by file name) tune, odd are held out; DICOM: by file family (name up to the first _ - or .), NIfTI: by volume, families/volumes alternating in sorted order; noise: seeds 0-9 tune, 10000-10009 held out',
      tuningSets: Object.fromEntries(outsiderSets.map((s) => [s, outsiderHalves(s, data[s]!).tuning.length])),
    },
    targets: {
      heldOutOutsiders: { target: '>= 0.95 flagged', ...summary(spec, stats, heldOutOutsiders, 'missed'), perSet: Object.fromEntries([...outsiderSets.map((s) => [s, summary(spec, stats, outsiderHalves(s, data[s]!).heldOut, null)] as const), ['noise-heldout', summary(spec, stats, data['noise-heldout']!, null)] as const]) },
      busbraTest: { target: '<= 0.05 flagged', ...summary(spec, stats, test, 'flagged') },
    },
    busbraTestPerScanner: perScanner,
    leaveOneScannerOut: leaveOneOut,
    ultrasoundNotBreast: { note: 'DICOM files whose Modality is US (not breast): counted in neither target, reported here', ...summary(spec, stats, data['dicom-us']!, 'flagged') },
    reRenderedTestImages: { note: 'BUS-BRA test images re-rendered (gain, gamma, field of view, resolution, speckle, blur, JPEG): a proxy for other scanners, same patients', ...proxyResults },
    skippedDicom: [...new Set(skippedDicom)],
  }
  mkdirSync(path.dirname(reportPath), { recursive: true })
  writeFileSync(reportPath, `${JSON.stringify(report, null, 1)}\n`)
  // The card's domain block: only this key of the card changes.
  const domain = {
    ...card.domain, features: { file: statsFile, sha256: sha256(statsText) }, score: 'mahalanobis', threshold: spec.threshold, pixelThreshold: spec.pixelThreshold,
    secondOpinion: spec.secondOpinion, meanGrey: r4(train.reduce((s, r) => s + r.meanGrey, 0) / train.length),
    tuning: { rule: report.tuning.rule, report: reportPath, script: 'test/main/trust/fit-domain-guard.ts' },
  }
  writeFileSync(cardPath, withDomain(cardText, domain))
  console.log(JSON.stringify({ tuning: report.tuning, targets: report.targets, perScanner, leaveOneOut }, null, 1))
}

await main()
