// @vitest-environment node
/**
 * Background matrices pieces at the host level: interactive jobs overtake queued pieces (asserted on the
 * order in which answers arrive, never on durations), stale groups are discarded, the worker serves
 * partial lookups and survives failing pieces.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCardFile } from '../../../main/adapters/models/registry'
import { WorkerHost } from '../../../main/worker/host'
import type { ExplainReq, ExplainRes, MatricesPieceReq, WorkerModelSpec } from '../../../main/worker/protocol'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { SYN, graphEntry, writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'
import { DT_FLOAT, encodeModel } from '../adapters/onnx/fixtures/onnx-writer'
import { codeOf } from '../../helpers/errors'

afterAll(cleanup)

const dir = tempDir()
const syn = loadCardFile(writeSyntheticModel(dir, { id: 'syn' }).cardPath)
const spec: WorkerModelSpec = { id: syn.id, onnxPath: syn.onnxPath, card: syn.card, preferProviders: ['cpu'] }
const image = (v: number) => ({ kind: 'image' as const, width: 40, height: 30, rgb: new Uint8Array(40 * 30 * 3).fill(v) })

function explainReq(runId: string, v = 90): ExplainReq {
  return { kind: 'explain', model: spec, runId, input: image(v), methods: ['raw-attention'], options: {}, topK: 3 }
}
const piece = (runId: string, key: string, layer: number, model = spec): MatricesPieceReq => ({ kind: 'matricesPiece', runId, key, model, layer })

describe('WorkerHost background pieces', () => {
  it('an explain submitted while pieces are queued runs before the remaining pieces', async () => {
    const host = new WorkerHost()
    const a: ExplainRes = await host.request<'explain'>(explainReq('a'))
    expect(a.matrices).toEqual({ key: expect.any(String), layers: SYN.layers, done: [] })
    const order: string[] = []
    const track = <T>(name: string, p: Promise<T>): Promise<T> => p.then((v) => { order.push(name); return v })
    // Duplicates (layer % Λ) answer from the cache; the order of the answers is what matters here.
    const pieces = Array.from({ length: 6 }, (_, k) => track(`piece${k}`, host.request<'matricesPiece'>(piece('a', a.matrices.key, k % SYN.layers), { background: true, group: a.matrices.key })))
    // piece0 went to the idle worker at once; everything below is queued behind it.
    expect(host.pendingBackground()).toBe(5)
    const b = track('explainB', host.request<'explain'>(explainReq('b', 40)))
    const dd = track('drilldown', host.request<'drilldown'>({ kind: 'drilldown', runId: 'a', token: 1 }))
    // An explain submitted in reaction to piece1's answer still overtakes piece2: the host picks the
    // next job only after the answer's continuations ran.
    let late: Promise<ExplainRes> | undefined
    void pieces[1]!.then(() => { late = track('explainC', host.request<'explain'>(explainReq('c', 60))) })
    const res = await Promise.all(pieces)
    await Promise.all([b, dd, late])
    expect(order).toEqual(['piece0', 'explainB', 'drilldown', 'piece1', 'explainC', 'piece2', 'piece3', 'piece4', 'piece5'])
    expect(res.map((r) => r.source)).toEqual(['typescript', 'typescript', 'typescript', 'cache', 'cache', 'cache'])
    expect(res.at(-1)!.matrices.done).toEqual([0, 1, 2])
    expect((await dd).source).toBe('mixed')
    expect((await dd).lookupLayers).toBe(1)
    await host.close()
  })

  it('discards the queued pieces of a stale group; the running one and other groups finish', async () => {
    const host = new WorkerHost()
    const a = await host.request<'explain'>(explainReq('a'))
    const b = await host.request<'explain'>(explainReq('b', 30))
    expect(b.matrices.key).not.toBe(a.matrices.key)
    const opts = (g: string) => ({ background: true, group: g })
    const aPieces = [0, 1, 2].map((l) => host.request<'matricesPiece'>(piece('a', a.matrices.key, l), opts(a.matrices.key)))
    const bPieces = [0, 1, 2].map((l) => host.request<'matricesPiece'>(piece('b', b.matrices.key, l), opts(b.matrices.key)))
    expect(host.discardBackground((g) => g !== b.matrices.key).map((r) => (r.kind === 'matricesPiece' ? r.layer : -1))).toEqual([1, 2])
    expect(host.pendingBackground(a.matrices.key)).toBe(0)
    const aCodes = await Promise.all(aPieces.map(codeOf))
    expect(aCodes).toEqual([undefined, 'run/cancelled', 'run/cancelled'])
    expect((await Promise.all(bPieces)).at(-1)!.matrices.done).toEqual([0, 1, 2])
    // The stale run keeps its finished piece: a later drill-down uses it and computes the rest.
    const dd = await host.request<'drilldown'>({ kind: 'drilldown', runId: 'a', token: 0 })
    expect([dd.source, dd.lookupLayers, dd.matrices.done]).toEqual(['mixed', 1, [0]])
    await host.close()
  })

  it('shares pieces between runs of the same input (another class) and finds them after eviction', async () => {
    const host = new WorkerHost({ runCacheSize: 2 })
    const a = await host.request<'explain'>(explainReq('a'))
    await host.request<'matricesPiece'>(piece('a', a.matrices.key, 1), { background: true, group: a.matrices.key })
    const again = await host.request<'explain'>({ ...explainReq('a2'), targetClass: 3 })
    expect(again.matrices).toEqual({ key: a.matrices.key, layers: SYN.layers, done: [1] })
    await host.request<'explain'>(explainReq('other', 10))
    // 'a' was evicted (cache of 2): a piece addressed to it is served by 'a2', same input.
    const p = await host.request<'matricesPiece'>(piece('a', a.matrices.key, 2))
    expect(p.matrices.done).toEqual([1, 2])
    expect(await codeOf(host.request<'drilldown'>({ kind: 'drilldown', runId: 'a', token: 0 }))).toContain('RunNotCached')
    await host.close()
  })

  it('survives failing pieces: bad layer, unknown run, broken matrices graph', async () => {
    const host = new WorkerHost()
    const a = await host.request<'explain'>(explainReq('a'))
    const junk = join(dir, 'junk.matrices.onnx')
    writeFileSync(junk, 'not an onnx graph')
    const broken: WorkerModelSpec = { ...spec, id: 'syn-broken', matricesPath: junk, card: { ...spec.card, matricesGraph: graphEntry(junk) } }
    expect(await codeOf(host.request<'matricesPiece'>(piece('a', a.matrices.key, SYN.layers)))).toBe('explain/layer-range')
    expect(await codeOf(host.request<'matricesPiece'>(piece('nope', 'no-key', 0)))).toContain('RunNotCached')
    const brokenCode = await codeOf(host.request<'matricesPiece'>(piece('a', a.matrices.key, 0, broken)))
    expect(brokenCode).toMatch(/^model\//)
    expect(await codeOf(host.request<'drilldown'>({ kind: 'drilldown', runId: 'a', token: SYN.L }))).toBe('explain/invalid-token')
    const dd = await host.request<'drilldown'>({ kind: 'drilldown', runId: 'a', token: 2 })
    expect([dd.source, dd.lookupLayers]).toEqual(['factors', 0])
    const m = await host.request<'matrices'>({ kind: 'matrices', runId: 'a', model: spec })
    expect(m.data).toHaveLength(SYN.layers * 2 * SYN.L * SYN.L)
    expect(host.spawned).toBe(1)
    await host.close()
  })

  it('recomputes a piece in TypeScript when the matrices graph returns non-finite values', async () => {
    // Stand-ins for the exporter's graph: B·Cᵀ per direction, once as is and once divided by 0 (±inf/NaN,
    // what a float64 overflow in the real graph's diagonal blocks would give).
    const graphSpec = (id: string, overflow: boolean): WorkerModelSpec => {
      const path = join(dir, `${id}.matrices.onnx`)
      const dims = [2, SYN.L, SYN.N]
      writeFileSync(path, encodeModel({
        name: id,
        nodes: [
          { op: 'Transpose', inputs: ['C'], outputs: ['Ct'], attrs: { perm: { kind: 'ints', v: [0, 2, 1] } } },
          { op: 'MatMul', inputs: ['B', 'Ct'], outputs: [overflow ? 'BC' : 'matrices'] },
          ...(overflow ? [{ op: 'Div', inputs: ['BC', 'zero'], outputs: ['matrices'] }] : []),
        ],
        initializers: [{ name: 'zero', dims: [1], float: new Float32Array([0]) }],
        inputs: [{ name: 'B', dims, elemType: DT_FLOAT }, { name: 'C', dims, elemType: DT_FLOAT }],
        outputs: [{ name: 'matrices', dims: [2, SYN.L, SYN.L], elemType: DT_FLOAT }],
      }))
      return { ...spec, id, matricesPath: path, card: { ...spec.card, matricesGraph: graphEntry(path) } }
    }
    const host = new WorkerHost()
    const results = []
    for (const model of [spec, graphSpec('syn-finite', false), graphSpec('syn-overflow', true)]) {
      const r = await host.request<'explain'>({ ...explainReq(model.id), model })
      results.push(await host.request<'matrices'>({ kind: 'matrices', runId: model.id, model }))
      expect(r.matrices.key).toBeTruthy()
    }
    const [reference, finite, overflow] = results
    expect([reference!.source, finite!.source, overflow!.source]).toEqual(['typescript', 'graph', 'typescript'])
    expect(finite!.data).not.toEqual(reference!.data)
    expect(overflow!.data).toEqual(reference!.data)
    await host.close()
  })

  it('recomputes the rows and columns of the tokens the graph reports beyond its float64 range', async () => {
    // Stand-in: B·Cᵀ per direction (not the attention) plus a `range` output that puts scan token 2 of
    // direction 0 and scan token 1 of direction 1 past 600 (core/attention/range-repair.ts).
    const id = 'syn-range'
    const path = join(dir, `${id}.matrices.onnx`)
    const dims = [2, SYN.L, SYN.N]
    const range = new Float32Array(2 * SYN.L)
    range[2] = 700
    range[SYN.L + 1] = 650
    writeFileSync(path, encodeModel({
      name: id,
      nodes: [
        { op: 'Transpose', inputs: ['C'], outputs: ['Ct'], attrs: { perm: { kind: 'ints', v: [0, 2, 1] } } },
        { op: 'MatMul', inputs: ['B', 'Ct'], outputs: ['matrices'] },
        { op: 'Identity', inputs: ['rangeInit'], outputs: ['range'] },
      ],
      initializers: [{ name: 'rangeInit', dims: [2, SYN.L], float: range }],
      inputs: [{ name: 'B', dims, elemType: DT_FLOAT }, { name: 'C', dims, elemType: DT_FLOAT }],
      outputs: [{ name: 'matrices', dims: [2, SYN.L, SYN.L], elemType: DT_FLOAT }, { name: 'range', dims: [2, SYN.L], elemType: DT_FLOAT }],
    }))
    const model: WorkerModelSpec = { ...spec, id, matricesPath: path, card: { ...spec.card, matricesGraph: graphEntry(path) } }
    const host = new WorkerHost()
    await host.request<'explain'>({ ...explainReq(spec.id), model: spec })
    const reference = await host.request<'matrices'>({ kind: 'matrices', runId: spec.id, model: spec })
    await host.request<'explain'>({ ...explainReq(id), model })
    const repaired = await host.request<'matrices'>({ kind: 'matrices', runId: id, model })
    expect(repaired.source).toBe('graph')
    const L = SYN.L
    const repairedTokens = [[2], [L - 1 - 1]]   // original order: direction 1 is reversed
    let exact = 0, stand = 0
    for (let layer = 0; layer < SYN.layers; layer++) {
      for (const d of [0, 1]) {
        const base = (layer * 2 + d) * L * L
        for (let i = 0; i < L; i++) {
          for (let j = 0; j < L; j++) {
            const onRepaired = repairedTokens[d]!.includes(i) || repairedTokens[d]!.includes(j)
            const diff = Math.abs(repaired.data[base + i * L + j]! - reference.data[base + i * L + j]!)
            if (onRepaired) expect(diff).toBeLessThan(1e-6)
            if (onRepaired) exact++
            else if (diff > 1e-3) stand++
          }
        }
      }
    }
    expect(exact).toBe(SYN.layers * 2 * (2 * L - 1))
    expect(stand).toBeGreaterThan(0)   // everything else is still the stand-in's B·Cᵀ
    await host.close()
  })
})
