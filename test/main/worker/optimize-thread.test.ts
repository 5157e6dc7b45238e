// @vitest-environment node
/**
 * The optimised-graph cache is written after the first answer, in a thread of its own: the first load
 * reports a miss, the worker keeps serving while the writer runs, and the next worker loads the saved
 * graph ('hit') with the same results.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCardFile } from '../../../main/adapters/models/registry'
import { WorkerHost } from '../../../main/worker/host'
import { storeInThread } from '../../../main/worker/optimize-thread'
import type { ExplainReq, WorkerModelSpec } from '../../../main/worker/protocol'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'
import { until } from '../../helpers/until'

afterAll(cleanup)

const dir = tempDir()
const syn = loadCardFile(writeSyntheticModel(dir, { id: 'syn' }).cardPath)

function explainReq(spec: WorkerModelSpec): ExplainReq {
  const rgb = new Uint8Array(40 * 30 * 3).map((_, i) => (i * 7) & 255)
  return { kind: 'explain', model: spec, runId: 'r', input: { kind: 'image', width: 40, height: 30, rgb }, methods: ['raw-attention'], options: {}, topK: 2 }
}


describe('optimised-graph cache writer', () => {
  it('saves after the first answer; the next worker loads it and computes the same', async () => {
    const cache = tempDir()
    const spec: WorkerModelSpec = { id: syn.id, onnxPath: syn.onnxPath, card: syn.card, preferProviders: ['cpu'], optimizedCacheDir: cache }
    const first = new WorkerHost()
    expect((await first.request<'load'>({ kind: 'load', model: spec })).optimizedCache).toBe('miss')
    expect(first.cacheWrites).toBe(0)
    const a = await first.request<'explain'>(explainReq(spec))
    // The worker asks for the write once the load's job answered (a message that follows the answer).
    await until(() => first.cacheWrites === 1)
    // The worker keeps serving while the writer thread runs.
    expect((await first.request<'explain'>({ ...explainReq(spec), runId: 'r2' })).topK).toEqual(a.topK)
    await until(() => first.cacheWrites === 0, 10_000)
    expect(readdirSync(cache).map((f) => f.replace(/^.*\./, '')).sort()).toEqual(['ort', 'sha256'])
    await first.close()

    const second = new WorkerHost()
    expect((await second.request<'load'>({ kind: 'load', model: spec })).optimizedCache).toBe('hit')
    const b = await second.request<'explain'>(explainReq(spec))
    expect(b.topK).toEqual(a.topK)
    expect(b.methods[0]!.patchRelevance).toEqual(a.methods[0]!.patchRelevance)
    expect(a.methods[0]!.patchRelevance.length).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 50))
    expect(second.cacheWrites).toBe(0)
    await second.close()
  })

  it('reports a model file that changed since its load instead of caching it', async () => {
    const cache = tempDir()
    const changed = join(tempDir(), 'changed.onnx')
    const bytes = readFileSync(syn.onnxPath)
    bytes[bytes.length - 1]! ^= 1
    writeFileSync(changed, bytes)
    const r = await storeInThread({ modelPath: changed, sha256: syn.card.sha256, provider: 'cpu', optimizedCacheDir: cache })
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.error).toMatch(/sha256|checksum|tamper|differs/i)
    expect(readdirSync(cache)).toEqual([])
  })
})
