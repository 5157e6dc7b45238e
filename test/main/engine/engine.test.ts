// @vitest-environment node
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { EngineImage } from '../../../main/core/engine/api'
import { createEngine } from '../../../main/engine'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { SYN, writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'
import { codeOf } from '../../helpers/errors'

afterAll(cleanup)

const modelsDir = tempDir()
writeSyntheticModel(modelsDir, { id: 'syn', isDefault: true })
writeSyntheticModel(modelsDir, { id: 'slow', slowMatmuls: 12 })
const image: EngineImage = { width: 48, height: 40, rgb: new Uint8Array(48 * 40 * 3).map((_, i) => (i * 13) % 256), sourceSha256: '0'.repeat(64) }

function maxAbsDiff(a: readonly (readonly [Float32Array, Float32Array])[], b: readonly (readonly [Float32Array, Float32Array])[]): number {
  let m = 0
  a.forEach((pair, l) => pair.forEach((v, d) => v.forEach((x, j) => { m = Math.max(m, Math.abs(x - b[l]![d]![j]!)) })))
  return m
}

describe('engine (synthetic graph)', () => {
  it('explains with every supported method, top-k and timings', async () => {
    const engine = await createEngine({ modelsDir, preferProviders: ['cpu'], precomputeMatrices: 'never' })
    expect(engine.listModels().map((m) => m.id)).toEqual(['slow', 'syn'])
    const r = await engine.explain(image, { topK: 3 })
    expect(r.modelId).toBe('syn')
    expect(r.provider).toBe('cpu')
    expect(engine.provider()).toBe('cpu')
    expect(r.methods.map((m) => m.methodId)).toEqual(engine.listMethods('syn').map((m) => m.id))
    for (const m of r.methods) {
      expect(m.patchRelevance).toHaveLength(SYN.grid * SYN.grid)
      expect([m.heatmapWidth, m.heatmapHeight, m.heatmap.length]).toEqual([SYN.W, SYN.H, SYN.W * SYN.H])
      expect(m.heatmap.every(Number.isFinite)).toBe(true)
    }
    expect(r.topK).toHaveLength(3)
    expect(r.topK[0]!.index).toBe(r.targetClass)
    expect(r.topK[0]!.probability).toBeGreaterThanOrEqual(r.topK[1]!.probability)
    expect(r.modelInputPreview).toHaveLength(SYN.W * SYN.H * 3)
    expect(r.transform.crop.height).toBe(40)
    expect(Object.keys(r.timings)).toEqual(expect.arrayContaining(['preprocess', 'graph', 'methods', 'total', 'engineTotal']))
    // No class given and class-specific methods requested: one run to find top-1, one to explain it.
    expect(r.timings['graphRuns']).toBe(2)
    expect((await engine.explain(image, { targetClass: 4 })).timings['graphRuns']).toBe(1)
    const agnostic = await engine.explain(image, { methods: ['raw-attention', 'mamba-rollout'] })
    expect(agnostic.timings['graphRuns']).toBe(1)
    expect(agnostic.targetClass).toBe(r.targetClass)
    await engine.close()
  })

  it('validates class, methods, tokens and run ids with their codes', async () => {
    const engine = await createEngine({ modelsDir, preferProviders: ['cpu'], preload: false })
    expect(await codeOf(engine.explain(image, { targetClass: SYN.C }))).toBe('explain/target-class')
    expect(await codeOf(engine.explain(image, { targetClass: -1 }))).toBe('explain/target-class')
    expect(await codeOf(engine.explain(image, { targetClass: 1.5 }))).toBe('explain/target-class')
    expect(await codeOf(engine.explain(image, { methods: ['no-such-method'] }))).toBe('explain/unknown-method')
    expect(await codeOf(engine.explain(image, { modelId: 'nope' }))).toBe('model/not-found')
    expect(await codeOf(engine.explain({ ...image, rgb: new Uint8Array(5) }, {}))).toBe('image/decode-failed')
    const r = await engine.explain(image, { methods: ['raw-attention'] })
    expect(await codeOf(engine.drilldown(r.runId, SYN.L))).toBe('explain/invalid-token')
    expect(await codeOf(engine.drilldown('not-a-run', 0))).toBe('run/not-found')
    await expect(engine.drilldown('not-a-run', 0)).rejects.toThrow(/unknown or expired run/)
    await engine.close()
  })

  it('drill-down: factors path and matrices lookup agree; matrices have the right shape', async () => {
    const engine = await createEngine({ modelsDir, preferProviders: ['cpu'], precomputeMatrices: 'never' })
    const r = await engine.explain(image, { targetClass: 1 })
    const viaFactors = await engine.drilldown(r.runId, 3)
    expect(viaFactors.patch).toBe(2)
    expect(viaFactors.rows).toHaveLength(SYN.layers)
    expect(viaFactors.rows[0]![0]).toHaveLength(SYN.L)
    expect(Object.keys(viaFactors.profile)).toEqual(expect.arrayContaining(['raw-attention', 'mamba-rollout', 'uia']))
    expect(viaFactors.profile['uia']![0]).toBeNaN()
    const m = await engine.matrices(r.runId)
    expect(m).toHaveLength(SYN.layers)
    expect(m[0]![1]).toHaveLength(SYN.L * SYN.L)
    const viaLookup = await engine.drilldown(r.runId, 3)
    expect(maxAbsDiff(viaFactors.rows, viaLookup.rows)).toBeLessThan(1e-6)
    expect(maxAbsDiff(viaFactors.cols, viaLookup.cols)).toBeLessThan(1e-6)
    // Row of token 3 in the matrix is the drill-down row.
    expect(Array.from(m[1]![0].subarray(3 * SYN.L, 4 * SYN.L))).toEqual(Array.from(viaLookup.rows[1]![0]))
    expect((await engine.drilldown(r.runId, SYN.cls)).patch).toBe(-1)
    await engine.close()
  })

  it('rebuilds a run after the worker was replaced (a cancelled job that did not stop in time)', async () => {
    const engine = await createEngine({ modelsDir, preferProviders: ['cpu'], precomputeMatrices: 'never', cancelGraceMs: 0 })
    const r = await engine.explain(image, { modelId: 'syn', targetClass: 2 })
    const before = await engine.drilldown(r.runId, 1)
    await engine.load('slow')
    const ac = new AbortController()
    const slow = engine.explain(image, { modelId: 'slow', targetClass: 0 }, ac.signal, (p) => {
      // Abort while handling the 'graph' progress message: it is delivered before the result, so the
      // cancellation always wins, however fast the machine runs the graph.
      if (p.stage === 'graph') ac.abort()
    })
    expect(await codeOf(slow)).toBe('run/cancelled')
    const after = await engine.drilldown(r.runId, 1)
    // The drill-down ran on a fresh worker, which rebuilt the run from the stored input.
    expect(engine.workerSpawns).toBe(2)
    expect(maxAbsDiff(before.rows, after.rows)).toBe(0)
    expect(after.profile['uia']).toEqual(before.profile['uia'])
    await engine.close()
  })

  it('refuses a tampered model (model/hash-mismatch) and a card that disagrees with its graph', async () => {
    const dir = tempDir()
    const good = writeSyntheticModel(dir, { id: 'good' })
    const bad = join(dir, 'tampered.onnx')
    copyFileSync(good.onnxPath, bad)
    const bytes = readFileSync(bad)
    bytes[100] = (bytes[100] ?? 0) ^ 1
    writeFileSync(bad, bytes)
    const card = JSON.parse(readFileSync(good.cardPath, 'utf8')) as Record<string, unknown>
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify({ ...card, file: 'tampered.onnx' }))
    writeSyntheticModel(dir, { id: 'mismatch', cardPatch: { outputs: { ...(card['outputs'] as object), gate: { shape: [3, 5, 7] } } } })
    const engine = await createEngine({ modelsDir: dir, preferProviders: ['cpu'], preload: false })
    expect(await codeOf(engine.explain(image, { modelId: 'tampered' }))).toBe('model/hash-mismatch')
    expect(await codeOf(engine.explain(image, { modelId: 'mismatch' }))).toBe('model/manifest-mismatch')
    expect((await engine.explain(image, { modelId: 'good' })).methods.length).toBeGreaterThan(0)
    expect(engine.workerSpawns).toBe(1)
    await engine.close()
  })

  it('create/run/close 20 times leaves no handles behind', async () => {
    const count = (): number => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout').length
    const warm = await createEngine({ modelsDir, preferProviders: ['cpu'], preload: false })
    await warm.explain(image, { methods: ['raw-attention'] })
    await warm.close()
    const baseline = count()
    const rss0 = process.memoryUsage().rss
    for (let i = 0; i < 20; i++) {
      const engine = await createEngine({ modelsDir, preferProviders: ['cpu'] })
      const r = await engine.explain(image, {})
      await engine.drilldown(r.runId, 0)
      await engine.close()
    }
    expect(count()).toBeLessThanOrEqual(baseline)
    // Workers and sessions live outside this heap; a leak of 20 workers would be hundreds of MB.
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024)
  })
})
