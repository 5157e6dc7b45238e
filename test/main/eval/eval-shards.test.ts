// @vitest-environment node
/**
 * `mamba-lens eval --shard i/k` (several processes share one GPU, docs/eval/README.md): shard runs write records
 * only, and a run without --shard (--resume) over their folder gives the same report as one process over every
 * image: same explained classes, localisation, perturbation and randomisation numbers. On the small conformance
 * model (64×64, 4 layers; a generated labelled folder, no data set needed), a few seconds.
 * Also: on a GPU provider the card's GPU-shaped graphs are chosen, and a randomised cascade step runs through the
 * GPU graph with the step's bytes as its weights (checked on the CPU with the default model's GPU graph: the same
 * logits as the randomised Scan graph, not the trained ones). And: integrated gradients and SmoothGrad go through
 * the cascade on --sanity-multi-run-n of the sanity images (the small model's --input-gradient variant, built here).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { runEvalJob, type EvalJob } from '../../../main/adapters/eval/evaluate'
import { explainerGraphFor, openExplainer } from '../../../main/adapters/eval/graphs'
import { writeRandomisedCascade } from '../../../main/adapters/eval/randomise-graph'
import { scanModels, type ModelEntry } from '../../../main/adapters/models/registry'
import { GOLDEN_DIR } from '../../conformance/golden'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const work = mkdtempSync(path.join(tmpdir(), 'eval-shards-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const small = (): ModelEntry => scanModels(path.join(repoRoot, 'test/fixtures/models')).find((e) => e.id === 'vim-small-tokens-conformance')!

/** Six 64×64 pictures with a bright square (the "lesion", also the mask) at different places; labels 0–2. */
async function labelledFolder(dir: string): Promise<void> {
  mkdirSync(path.join(dir, 'images'), { recursive: true })
  mkdirSync(path.join(dir, 'masks'), { recursive: true })
  const rows = ['image,label,split']
  for (let k = 0; k < 6; k++) {
    const img = Buffer.alloc(64 * 64 * 3)
    const mask = Buffer.alloc(64 * 64)
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const inside = Math.abs(x - 12 - 7 * k) < 8 && Math.abs(y - 40 + 4 * k) < 8
        for (let c = 0; c < 3; c++) img[(y * 64 + x) * 3 + c] = inside ? 220 - 20 * c : (x * 3 + y * 5 + k * 17 + c * 40) % 160
        mask[y * 64 + x] = inside ? 255 : 0
      }
    }
    const name = `img${k}.png`
    await sharp(img, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(path.join(dir, 'images', name))
    await sharp(mask, { raw: { width: 64, height: 64, channels: 1 } }).png().toFile(path.join(dir, 'masks', name))
    rows.push(`${name},${k % 3},test`)
  }
  writeFileSync(path.join(dir, 'labels.csv'), `${rows.join('\n')}\n`)
}

describe('eval shards', () => {
  it('two shards and an aggregating run give the single run\'s report', { timeout: 240_000 }, async () => {
    const data = path.join(work, 'data')
    await labelledFolder(data)
    const entry = small()
    const cascade = path.join(work, 'cascade')
    writeRandomisedCascade(entry.onnxPath, entry.card.layers, cascade, 0, ['head', 'block 2', 'embedding'])
    const job = (out: string, extra: Partial<EvalJob> = {}): EvalJob => ({
      entry, dataDir: data, datasetName: 'generated', split: 'test', methodIds: ['mamba-attribution', 'uia', 'random-baseline'],
      out, resume: true, perturbationN: 3, sanityCascade: cascade, sanityN: 2, command: 'test', date: '2026-12-07', ...extra,
    })
    const quiet = () => undefined
    const one = await runEvalJob(job(path.join(work, 'one')), quiet)
    const shared = path.join(work, 'shared')
    const shard0 = await runEvalJob(job(shared, { shard: { index: 0, count: 2 } }), quiet)
    expect(shard0).toMatchObject({ shard: true, images: 3 })
    expect(existsSync(path.join(shared, 'results.json'))).toBe(false)
    await runEvalJob(job(shared, { shard: { index: 1, count: 2 } }), quiet)
    // The aggregating run finds every image done: it reads the shards' records, it does not recompute them.
    const recordsBefore = readFileSync(path.join(shared, 'images', 'img1.png.json'), 'utf8')
    const all = await runEvalJob(job(shared), quiet)
    expect(readFileSync(path.join(shared, 'images', 'img1.png.json'), 'utf8')).toBe(recordsBefore)
    expect(all.images).toBe(6)
    const strip = (file: string) => {
      const r = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
      delete r['command']
      return r
    }
    const a = strip(path.join(work, 'one', 'results.json'))
    const b = strip(path.join(shared, 'results.json'))
    expect(b).toEqual(a)
    expect((a['methods'] as { perturbation: unknown; sanity: unknown }[]).every((m) => m.perturbation !== null && m.sanity !== null)).toBe(true)
    expect(a['computedOn']).toBe('cpu: explainer, forwardGraph (6 images)')
    expect(one.images).toBe(6)
    // A stopped run reported as it stands: the perturbation images are the recorded ones, whatever --perturbation-n says.
    await runEvalJob(job(path.join(work, 'one'), { recordedOnly: true, perturbationN: 0 }), quiet)
    expect(strip(path.join(work, 'one', 'results.json'))).toEqual(a)
    // Its randomisation images are those with complete randomisation records, whatever --sanity-n says, and none is computed.
    const sanityDir = path.join(work, 'one', 'sanity')
    const sanityFiles = readdirSync(sanityDir).sort()
    expect(sanityFiles.length).toBe(2)
    rmSync(path.join(sanityDir, sanityFiles[0]!))
    await runEvalJob(job(path.join(work, 'one'), { recordedOnly: true, perturbationN: 0, sanityN: 3 }), quiet)
    expect(readdirSync(sanityDir).sort()).toEqual(sanityFiles.slice(1))
    const stopped = strip(path.join(work, 'one', 'results.json'))
    expect(stopped['sanityImages']).toBe(1)
    expect((stopped['methods'] as { sanity: { n: number } }[]).every((m) => m.sanity.n === 1)).toBe(true)
  })

  // Integrated gradients and SmoothGrad through the randomisation cascade on --sanity-multi-run-n of the sanity images, on the
  // small model's --input-gradient variant (written here by `python -m vimlens.gradient_variant`, ≈ 2 s; needs torch).
  const ckpt = path.join(GOLDEN_DIR, 'vim_small_tokens_ckpt.pth')
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0)
  const noVariant = !existsSync(ckpt) ? `${ckpt} is absent (../shared/conformance)` : python === undefined ? 'no python3 with torch and onnx' : undefined
  it.skipIf(noVariant !== undefined)(`multi-run methods go through the cascade on --sanity-multi-run-n images${noVariant !== undefined ? ` (skipped: ${noVariant})` : ''}`, { timeout: 240_000 }, async () => {
    const gradDir = path.join(work, 'grad')
    const card = path.join(repoRoot, 'test/fixtures/models/vim-small-tokens-conformance.json')
    const built = spawnSync(python!, ['-m', 'vimlens.gradient_variant', card, ckpt, '--out', gradDir], {
      cwd: path.join(repoRoot, 'models/tools'), encoding: 'utf8', env: { ...process.env, PYTHONPATH: '.', PYTHONDONTWRITEBYTECODE: '1' },
    })
    expect(built.status, built.stderr).toBe(0)
    const entry = scanModels(gradDir).find((e) => e.id === 'vim-small-tokens-conformance-grad')!
    const data = path.join(work, 'data-multi')
    await labelledFolder(data)
    const cascade = path.join(work, 'cascade-grad')
    writeRandomisedCascade(entry.onnxPath, entry.card.layers, cascade, 0, ['head', 'embedding'])
    const out = path.join(work, 'multi')
    const job: EvalJob = {
      entry, dataDir: data, datasetName: 'generated', split: 'test', methodIds: ['mamba-attribution', 'integrated-gradients', 'smoothgrad'],
      out, resume: true, perturbationN: 0, multiRunN: 6, sanityCascade: cascade, sanityN: 3, sanityMultiRunN: 2, command: 'test', date: '2026-12-07',
    }
    await runEvalJob(job, () => undefined)
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { methods: { id: string; sanity: { steps: { spearman: { n: number; value: number } }[] } | null }[] }
    const nOf = (id: string) => results.methods.find((m) => m.id === id)!.sanity!.steps.map((s) => s.spearman.n)
    expect(nOf('mamba-attribution')).toEqual([3, 3])
    expect(nOf('integrated-gradients')).toEqual([2, 2])
    expect(nOf('smoothgrad')).toEqual([2, 2])
    // With only the head re-drawn the gradients already change; each value is a real Spearman ρ.
    for (const id of ['integrated-gradients', 'smoothgrad']) {
      for (const s of results.methods.find((m) => m.id === id)!.sanity!.steps) expect(Math.abs(s.spearman.value)).toBeLessThanOrEqual(1)
    }
    const files = readdirSync(path.join(out, 'sanity')).map((f) => JSON.parse(readFileSync(path.join(out, 'sanity', f), 'utf8')) as Record<string, Record<string, unknown>>)
    expect(files.filter((r) => r['embedding']!['smoothgrad'] !== undefined)).toHaveLength(2)
    // Resumed with more multi-run sanity images: only the missing ones are computed, the others are read back.
    const before = files.map((r) => JSON.stringify(r)).sort()
    await runEvalJob({ ...job, sanityMultiRunN: 3 }, () => undefined)
    const after = readdirSync(path.join(out, 'sanity')).map((f) => JSON.parse(readFileSync(path.join(out, 'sanity', f), 'utf8')) as Record<string, Record<string, unknown>>)
    expect(after.filter((r) => r['embedding']!['integrated-gradients'] !== undefined)).toHaveLength(3)
    expect(after.filter((r) => before.includes(JSON.stringify(r)))).toHaveLength(2)
  })

  it('picks the GPU graphs only for the providers the card names', () => {
    const entry = scanModels(path.join(repoRoot, 'models')).find((e) => e.id === 'vim-busbra-d12')!
    expect(explainerGraphFor(entry, 'cpu').key).toBe('explainer')
    expect(explainerGraphFor(entry, 'cuda')).toMatchObject({ key: 'gpuGraph', file: path.join(repoRoot, 'models', 'vim-busbra-d12.gpu.onnx') })
  })

  it('a randomised step runs through the GPU graph with the step as its weights', { timeout: 240_000 }, async () => {
    // The default model with its GPU graph listed for the CPU too (the card schema allows GPU providers only, so the
    // parsed card is changed in memory), so that the GPU-graph path runs here; the real entry opens the randomised Scan graph.
    const real = scanModels(path.join(repoRoot, 'models')).find((e) => e.id === 'vim-busbra-d12')!
    const gpu = real.card.gpuGraph!
    const entry = { ...real, card: { ...real.card, gpuGraph: { ...gpu, providers: [...gpu.providers, 'cpu'] } } } as unknown as ModelEntry
    expect(explainerGraphFor(entry, 'cpu').key).toBe('gpuGraph')
    const dir = path.join(work, 'd12')
    // Head and the last block re-drawn: the GPU graph's inline parameters (final norm, head bias, the block's norm
    // and biases) must follow the step as well as its shared weights.
    writeRandomisedCascade(entry.onnxPath, 12, path.join(dir, 'cascade'), 0, ['block 11'])
    const step = path.join(dir, 'cascade', 'step-02.onnx')
    const image = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i / 97))
    const outputsOf = async (e: ModelEntry, file: string) => {
      const g = await openExplainer(e, file, 'cpu')
      try { return await g.explain(image, [0, 1]) } finally { await g.close() }
    }
    const viaGpuGraph = await outputsOf(entry, step)
    const viaScan = await outputsOf(real, step)
    const trained = await outputsOf(entry, entry.onnxPath)
    for (const name of ['logits', 'hma_mean', 'uia_mean']) {
      const [x, y] = [viaGpuGraph[name]!.data, viaScan[name]!.data]
      const scale = Math.max(...y.map(Math.abs))
      expect(Math.max(...x.map((v, i) => Math.abs(v - y[i]!))) / scale, name).toBeLessThan(1e-5)
    }
    expect(Math.abs(viaGpuGraph['logits']!.data[0]! - trained['logits']!.data[0]!)).toBeGreaterThan(1e-3)
    expect(viaGpuGraph['hma_mean']!.data).not.toEqual(trained['hma_mean']!.data)
  })
})
