// @vitest-environment node
import { afterAll, describe, expect, it } from 'vitest'
import { loadCardFile } from '../../../main/adapters/models/registry'
import { WorkerHost } from '../../../main/worker/host'
import type { ExplainReq, WorkerModelSpec } from '../../../main/worker/protocol'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { SYN, writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'
import { codeOf } from '../../helpers/errors'

afterAll(cleanup)

const dir = tempDir()
const fast = loadCardFile(writeSyntheticModel(dir, { id: 'fast' }).cardPath)
// ~1–2 s per run on a 2-core CPU: long enough to cancel while ORT is inside `run`.
const slow = loadCardFile(writeSyntheticModel(dir, { id: 'slow', slowMatmuls: 12 }).cardPath)
const spec = (e: typeof fast): WorkerModelSpec => ({ id: e.id, onnxPath: e.onnxPath, card: e.card, preferProviders: ['cpu'] })
const image = { kind: 'image' as const, width: 40, height: 30, rgb: new Uint8Array(40 * 30 * 3).fill(90) }

function explainReq(e: typeof fast, runId: string): ExplainReq {
  return { kind: 'explain', model: spec(e), runId, input: image, methods: ['raw-attention', 'uia'], options: {}, topK: 3 }
}

describe('WorkerHost', () => {
  it('runs jobs in a worker and reports progress', async () => {
    const host = new WorkerHost()
    const stages: string[] = []
    const res = await host.request<'explain'>(explainReq(fast, 'r1'), { onProgress: (p) => stages.push(p.stage) })
    expect(res.methods.map((m) => m.methodId)).toEqual(['raw-attention', 'uia'])
    expect(res.methods[0]!.heatmap).toHaveLength(SYN.H * SYN.W)
    expect(res.preview).toHaveLength(SYN.H * SYN.W * 3)
    expect(stages).toContain('graph')
    expect(stages.at(-1)).toBe('done')
    expect(host.spawned).toBe(1)
    await host.close()
  })

  /** Starts an explain on the slow model and aborts it while the worker is inside ORT's synchronous run. */
  function cancelMidGraph(host: WorkerHost, runId: string): Promise<unknown> {
    const ac = new AbortController()
    return host.request<'explain'>(explainReq(slow, runId), {
      signal: ac.signal,
      // Abort while handling the 'graph' progress message: it is delivered before the result, so the
      // cancellation always wins, however fast the machine runs the graph.
      onProgress: (p) => { if (p.stage === 'graph') ac.abort() },
    })
  }

  it('cancels a running graph on the same worker: it stops at its next checkpoint, sessions stay open', async () => {
    const host = new WorkerHost()
    await host.request<'load'>({ kind: 'load', model: spec(slow) })
    expect(await codeOf(cancelMidGraph(host, 'slow-1'))).toBe('run/cancelled')
    const after = await host.request<'explain'>(explainReq(slow, 'slow-2'))
    expect(after.methods).toHaveLength(2)
    // No model reload: the cancelled job's worker serves the next job (issue 16: no worker churn per cancel).
    expect(after.timings['load']).toBeUndefined()
    expect(host.spawned).toBe(1)
    expect(host.liveWorkers).toBe(1)
    await host.close()
  })

  it('replaces a worker that does not stop within cancelGraceMs, then keeps serving', async () => {
    const host = new WorkerHost({ cancelGraceMs: 0 })
    await host.request<'load'>({ kind: 'load', model: spec(slow) })
    expect(await codeOf(cancelMidGraph(host, 'slow-1'))).toBe('run/cancelled')
    const after = await host.request<'explain'>(explainReq(fast, 'r2'))
    expect(after.methods).toHaveLength(2)
    expect(host.spawned).toBe(2)
    await host.close()
  })

  it('cancels a queued job without touching the running one', async () => {
    const host = new WorkerHost()
    const ac = new AbortController()
    const first = host.request<'explain'>(explainReq(fast, 'a'))
    const second = host.request<'explain'>(explainReq(fast, 'b'), { signal: ac.signal })
    ac.abort()
    expect(await codeOf(second)).toBe('run/cancelled')
    expect((await first).methods).toHaveLength(2)
    expect(host.spawned).toBe(1)
    expect(await codeOf(host.request<'explain'>(explainReq(fast, 'c'), { signal: AbortSignal.abort() }))).toBe('run/cancelled')
    await host.close()
  })

  it('answers job errors with their code and survives them', async () => {
    const host = new WorkerHost()
    const broken = { ...spec(fast), id: 'broken', onnxPath: `${dir}/does-not-exist.onnx` }
    expect(await codeOf(host.request<'load'>({ kind: 'load', model: broken }))).toBe('model/not-found')
    expect(await codeOf(host.request<'drilldown'>({ kind: 'drilldown', runId: 'unknown', token: 0 }))).toContain('RunNotCached')
    const ok = await host.request<'load'>({ kind: 'load', model: spec(fast) })
    expect(ok.provider).toBe('cpu')
    expect(host.spawned).toBe(1)
    await host.close()
  })

  it('rejects new work after close', async () => {
    const host = new WorkerHost()
    await host.close()
    expect(await codeOf(host.request<'stats'>({ kind: 'stats' }))).toBe('run/cancelled')
  })
})
