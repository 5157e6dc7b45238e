// @vitest-environment node
import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import type { ExecutionProvider } from '../../../../main/core/engine/api'
import { isAppError } from '../../../../main/core/errors'
import { createLogger, type LogRecord } from '../../../../main/core/log'
import { candidateProviders, PROVIDER_ORDER } from '../../../../main/adapters/onnx/providers'
import { openSession, storeOptimizedGraph, type OrtSession, type SessionFactory } from '../../../../main/adapters/onnx/session'
import { cleanup, tempDir } from './fixtures/temp'
import { SYN, writeSyntheticModel } from './fixtures/synthetic-model'

afterAll(cleanup)

function syntheticFeeds(): Record<string, ort.Tensor> {
  const image = Float32Array.from({ length: 3 * SYN.H * SYN.W }, (_, i) => Math.sin(i * 0.37))
  const target = new Float32Array(SYN.C)
  target[1] = 1
  return { image: new ort.Tensor('float32', image, [1, 3, SYN.H, SYN.W]), target: new ort.Tensor('float32', target, [SYN.C]) }
}

const all = [{ name: 'cpu', bundled: true }, { name: 'webgpu', bundled: true }, { name: 'cuda', bundled: false }, { name: 'dml', bundled: true }]

describe('candidateProviders (fake backend lists)', () => {
  it('keeps the fixed order CUDA → DirectML → WebGPU → CPU', () => {
    expect(PROVIDER_ORDER).toEqual(['cuda', 'dml', 'webgpu', 'cpu'])
    expect(candidateProviders(all)).toEqual(['cuda', 'dml', 'webgpu', 'cpu'])
  })

  it('drops providers the build does not list and always ends with CPU', () => {
    expect(candidateProviders([{ name: 'webgpu', bundled: true }])).toEqual(['webgpu', 'cpu'])
    expect(candidateProviders([])).toEqual(['cpu'])
  })

  it('tries exactly the preferred providers, de-duplicated: no CPU added, none dropped (no silent fallback)', () => {
    expect(candidateProviders(all, ['webgpu', 'cuda', 'webgpu'])).toEqual(['webgpu', 'cuda'])
    expect(candidateProviders([{ name: 'cpu', bundled: true }], ['cuda'])).toEqual(['cuda'])
    expect(candidateProviders(all, ['cuda', 'cpu'])).toEqual(['cuda', 'cpu'])
    expect(candidateProviders(all, ['cpu'])).toEqual(['cpu'])
  })

  it('fails loudly, naming the provider, when the one asked for cannot load', async () => {
    const m = writeSyntheticModel(tempDir())
    const err = await openSession(readFileSync(m.onnxPath), { backends: all, preferProviders: ['dml'] }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'model/provider-unavailable', detail: { attempts: [{ provider: 'dml', ok: false }] } })
  })
})

/** Both sessions compute the same outputs on the synthetic feeds; then both are released. */
async function expectSameOutputsThenRelease(a: OrtSession, b: OrtSession): Promise<void> {
  const feeds = syntheticFeeds()
  const [x, y] = await Promise.all([a.run(feeds), b.run(feeds)])
  for (const name of a.outputNames) expect(y[name]!.data).toEqual(x[name]!.data)
  await a.release()
  await b.release()
}

describe('openSession fallback (fake factory)', () => {
  const fakeSession = { inputNames: [], outputNames: [] } as unknown as OrtSession

  it('uses the first provider that works and warns once about the fallback', async () => {
    const tried: ExecutionProvider[] = []
    const records: LogRecord[] = []
    const factory: SessionFactory = async (_m, p) => {
      tried.push(p)
      if (p !== 'webgpu') throw new Error(`/build/path/x.cc:12 ${p} is not available`)
      return fakeSession
    }
    const r = await openSession(new Uint8Array(1), { backends: all, factory, logger: createLogger((rec) => records.push(rec)) })
    expect(tried).toEqual(['cuda', 'dml', 'webgpu'])
    expect(r.provider).toBe('webgpu')
    expect(r.attempts.map((a) => [a.provider, a.ok])).toEqual([['cuda', false], ['dml', false], ['webgpu', true]])
    expect(records.filter((x) => x.level === 'warn')).toHaveLength(1)
    // Build paths never reach the log.
    expect(JSON.stringify(records)).not.toContain('/build/path')
  })

  it('reports model/load-failed with every attempt when nothing works', async () => {
    const factory: SessionFactory = async () => { throw new Error('nope') }
    const err = await openSession(new Uint8Array(1), { backends: all, factory }).catch((e: unknown) => e)
    expect(isAppError(err) && err.code).toBe('model/load-failed')
    expect(isAppError(err) && (err.detail?.['attempts'] as unknown[]).length).toBe(4)
  })
})

describe('openSession with onnxruntime-node', () => {
  it('opens a real graph on the CPU when asked to', async () => {
    const m = writeSyntheticModel(tempDir())
    const r = await openSession(readFileSync(m.onnxPath), { preferProviders: ['cpu'] })
    expect(r.provider).toBe('cpu')
    expect(r.session.inputNames).toEqual(['image', 'target'])
    await r.session.release()
  })

  it('falls back to a working provider with the real backend list', async () => {
    const m = writeSyntheticModel(tempDir())
    const r = await openSession(readFileSync(m.onnxPath))
    expect(r.attempts.at(-1)?.ok).toBe(true)
    expect(PROVIDER_ORDER).toContain(r.provider)
    await r.session.release()
  })

  it('opens uncached on a miss; the stored optimised graph is loaded next time and computes the same', async () => {
    const m = writeSyntheticModel(tempDir())
    const dir = tempDir()
    const bytes = readFileSync(m.onnxPath)
    const first = await openSession(bytes, { preferProviders: ['cpu'], optimizedCacheDir: dir, modelSha256: m.sha256 })
    expect(first.optimizedCache).toBe('miss')
    expect(readdirSync(dir)).toEqual([])
    // A writer stopped mid-write long ago left its temporary behind; a recent one may still be writing.
    writeFileSync(join(dir, 'old.1.2.tmp.ort'), 'partial')
    utimesSync(join(dir, 'old.1.2.tmp.ort'), new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000))
    writeFileSync(join(dir, 'recent.3.4.tmp.ort'), 'partial')
    expect(await storeOptimizedGraph(bytes, 'cpu', { optimizedCacheDir: dir, modelSha256: m.sha256 })).toBe('stored')
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp.ort'))).toEqual(['recent.3.4.tmp.ort'])
    rmSync(join(dir, 'recent.3.4.tmp.ort'))
    // One graph in ORT's format plus its checksum; no temporary file left behind.
    expect(readdirSync(dir).map((f) => f.replace(/^.*\./, ''))).toEqual(['ort', 'sha256'])
    const second = await openSession(bytes, { preferProviders: ['cpu'], optimizedCacheDir: dir, modelSha256: m.sha256 })
    expect(second.optimizedCache).toBe('hit')
    expect(second.session.outputNames).toEqual(first.session.outputNames)
    await expectSameOutputsThenRelease(first.session, second.session)
  })

  it("skips ORT's optimiser on a CPU miss (the writer saves the optimised graph), keeps it for other providers and the writer", async () => {
    const m = writeSyntheticModel(tempDir())
    const dir = tempDir()
    const bytes = readFileSync(m.onnxPath)
    const levels: string[] = []
    const factory: SessionFactory = async (model, provider, options) => {
      levels.push(`${provider}:${options.graphOptimizationLevel}${options.optimizedModelFilePath !== undefined ? ':save' : ''}`)
      if (provider !== 'cpu') throw new Error('no such provider here')
      return ort.InferenceSession.create(model, options)
    }
    const miss = await openSession(bytes, { backends: all, preferProviders: ['cuda', 'cpu'], factory, optimizedCacheDir: dir, modelSha256: m.sha256 })
    expect(miss.optimizedCache).toBe('miss')
    await storeOptimizedGraph(bytes, 'cpu', { optimizedCacheDir: dir, modelSha256: m.sha256, factory })
    const hit = await openSession(bytes, { preferProviders: ['cpu'], factory, optimizedCacheDir: dir, modelSha256: m.sha256 })
    expect(hit.optimizedCache).toBe('hit')
    expect(levels).toEqual(['cuda:all', 'cpu:disabled', 'cpu:all:save', 'cpu:disabled'])
    await expectSameOutputsThenRelease(miss.session, hit.session)
  })

  it('ignores a damaged cache entry and opens the original graph', async () => {
    const m = writeSyntheticModel(tempDir())
    const dir = tempDir()
    const bytes = readFileSync(m.onnxPath)
    await storeOptimizedGraph(bytes, 'cpu', { optimizedCacheDir: dir, modelSha256: m.sha256 })
    const graph = readdirSync(dir).find((f) => f.endsWith('.ort'))!
    writeFileSync(join(dir, graph), 'damaged')
    const r = await openSession(bytes, { preferProviders: ['cpu'], optimizedCacheDir: dir, modelSha256: m.sha256 })
    expect(r.optimizedCache).toBe('miss')
    await r.session.release()
  })
})
