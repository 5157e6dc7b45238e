// @vitest-environment node
/**
 * Background matrices through the engine (synthetic graph): pieces yield to interactive work, a new
 * image supersedes the old one's queued pieces, a worker restart loses them and a drill-down resumes
 * them, a broken matrices graph stops the background without hurting anything else. Ordering is
 * asserted on the engine's background events, never on durations.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { EngineImage } from '../../../main/core/engine/api'
import { createEngine } from '../../../main/engine'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { SYN, graphEntry, writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'
import { EventLog, maxRelErr } from './background-events'
import { codeOf } from '../../helpers/errors'

afterAll(cleanup)

const modelsDir = tempDir()
writeSyntheticModel(modelsDir, { id: 'syn', isDefault: true })
writeSyntheticModel(modelsDir, { id: 'slow', slowMatmuls: 12 })
writeFileSync(join(modelsDir, 'junk.matrices.onnx'), 'not an onnx graph')
writeSyntheticModel(modelsDir, { id: 'broken', cardPatch: { matricesGraph: graphEntry(join(modelsDir, 'junk.matrices.onnx')) } })
const img = (k: number): EngineImage => ({ width: 48, height: 40, rgb: new Uint8Array(48 * 40 * 3).map((_, i) => (i * k) % 256), sourceSha256: '0'.repeat(64) })

const base = { modelsDir, preferProviders: ['cpu'] as const, preload: false, precomputeMatrices: 'always' as const }

describe('engine background matrices (synthetic graph)', () => {
  it('a new image runs before the old pieces and supersedes them; its own pieces complete', async () => {
    const log = new EventLog()
    const engine = await createEngine({ ...base, onBackground: log.listener })
    const a = await engine.explain(img(13), { modelId: 'syn' })
    log.mark('explainA')
    // Submitted while A's pieces are queued (the first one is already in the worker).
    const b = await engine.explain(img(7), { modelId: 'syn' })
    log.mark('explainB')
    const keyA = engine.matricesStatus(a.runId)!.key
    const keyB = engine.matricesStatus(b.runId)!.key
    expect(keyB).not.toBe(keyA)
    await log.complete(keyB)
    const afterB = log.indexOfMark('explainB')
    const aEvents = log.events(keyA)
    expect(aEvents[0]).toMatchObject({ type: 'scheduled', layers: [0, 1, 2] })
    // Only the piece already in flight ran before B; the other two were dropped when B arrived.
    expect(aEvents.filter((e) => e.type === 'piece').map((e) => (e.type === 'piece' ? e.layer : -1))).toEqual([0])
    expect(aEvents).toContainEqual({ type: 'discarded', key: keyA, count: SYN.layers - 1, reason: 'superseded' })
    expect(log.entries.slice(afterB).some((e) => e.type === 'piece' && e.key === keyA)).toBe(false)
    expect(log.events(keyB).filter((e) => e.type === 'piece')).toHaveLength(SYN.layers)
    expect(engine.matricesStatus(b.runId)).toEqual({ key: keyB, done: SYN.layers, total: SYN.layers, pending: 0, failed: false })
    expect(engine.matricesStatus(a.runId)).toMatchObject({ done: 1, pending: 0 })

    // B is complete: a click is a lookup for every layer and equals the factors path.
    const ddB = await engine.drilldown(b.runId, 3)
    expect([ddB.source, ddB.lookupLayers]).toEqual(['matrices', SYN.layers])
    // A (stale) still drills down: its finished piece is looked up, the rest computed; then A is the focus again.
    const ddA = await engine.drilldown(a.runId, 3)
    expect([ddA.source, ddA.lookupLayers]).toEqual(['mixed', 1])
    await log.complete(keyA)
    const ddA2 = await engine.drilldown(a.runId, 3)
    expect(ddA2.lookupLayers).toBe(SYN.layers)
    expect(maxRelErr(ddA.rows, ddA2.rows)).toBeLessThan(1e-5)
    expect(maxRelErr(ddA.cols, ddA2.cols)).toBeLessThan(1e-5)
    await engine.close()
  })

  it('a click right after a run waits for one piece at most and looks it up', async () => {
    const log = new EventLog()
    const engine = await createEngine({ ...base, onBackground: log.listener })
    const r = await engine.explain(img(5), { modelId: 'syn', targetClass: 1 })
    const dd = await engine.drilldown(r.runId, 1)
    log.mark('drilldown')
    expect([dd.source, dd.lookupLayers]).toEqual(['mixed', 1])
    const key = engine.matricesStatus(r.runId)!.key
    await log.complete(key)
    expect(log.entries.slice(0, log.indexOfMark('drilldown')).filter((e) => e.type === 'piece')).toHaveLength(1)
    // Same image, another class: the pieces are shared, nothing is scheduled again.
    const again = await engine.explain(img(5), { modelId: 'syn', targetClass: 3 })
    expect(engine.matricesStatus(again.runId)).toMatchObject({ key, done: SYN.layers, pending: 0 })
    expect(log.events(key).filter((e) => e.type === 'scheduled')).toHaveLength(1)
    const dd2 = await engine.drilldown(again.runId, 1)
    expect(dd2.lookupLayers).toBe(SYN.layers)
    expect(maxRelErr(dd2.rows, dd.rows)).toBeLessThan(1e-5)
    await engine.close()
  })

  it('a worker restart loses the queued pieces; the next drill-down restores the run and resumes them', async () => {
    const log = new EventLog()
    // Grace 0: the cancelled job's worker is replaced at once, which is the restart under test.
    const engine = await createEngine({ ...base, onBackground: log.listener, cancelGraceMs: 0 })
    await engine.load('slow')
    const r = await engine.explain(img(3), { modelId: 'syn', targetClass: 2 })
    const key = engine.matricesStatus(r.runId)!.key
    const ac = new AbortController()
    const slow = engine.explain(img(3), { modelId: 'slow', targetClass: 0 }, ac.signal, (p) => {
      // Abort while handling the 'graph' progress message: it is delivered before the result, so the
      // cancellation always wins, however fast the machine runs the graph.
      if (p.stage === 'graph') ac.abort()
    })
    expect(await codeOf(slow)).toBe('run/cancelled')
    await log.waitFor((e) => e.type === 'discarded' && e.key === key && e.reason === 'lost')
    const dd = await engine.drilldown(r.runId, 4)
    expect(engine.workerSpawns).toBe(2)
    expect(dd.lookupLayers).toBe(0)
    await log.complete(key)
    const dd2 = await engine.drilldown(r.runId, 4)
    expect(dd2.lookupLayers).toBe(SYN.layers)
    expect(maxRelErr(dd2.rows, dd.rows)).toBeLessThan(1e-5)
    expect(maxRelErr(dd2.cols, dd.cols)).toBeLessThan(1e-5)
    await engine.close()
  })

  it('a broken matrices graph stops the background for that input; explain and drill-down keep working', async () => {
    const log = new EventLog()
    const engine = await createEngine({ ...base, onBackground: log.listener })
    const r = await engine.explain(img(9), { modelId: 'broken' })
    const key = engine.matricesStatus(r.runId)!.key
    await log.waitFor((e) => e.type === 'discarded' && e.key === key && e.reason === 'failed')
    expect(engine.matricesStatus(r.runId)).toMatchObject({ done: 0, pending: 0, failed: true })
    const dd = await engine.drilldown(r.runId, 0)
    expect([dd.source, dd.lookupLayers]).toEqual(['factors', 0])
    // No second attempt after a failure, and the user's matrices() call reports the error with its code.
    expect(log.events(key).filter((e) => e.type === 'scheduled')).toHaveLength(1)
    expect(await codeOf(engine.matrices(r.runId))).toMatch(/^model\//)
    expect((await engine.explain(img(9), { modelId: 'syn' })).methods.length).toBeGreaterThan(0)
    expect(engine.workerSpawns).toBe(1)
    await engine.close()
  })

  it("policy 'never' schedules nothing; matrices() still works and later clicks are lookups", async () => {
    const log = new EventLog()
    const engine = await createEngine({ ...base, precomputeMatrices: 'never', onBackground: log.listener })
    const r = await engine.explain(img(11), { modelId: 'syn' })
    expect((await engine.drilldown(r.runId, 2)).lookupLayers).toBe(0)
    await engine.matrices(r.runId)
    expect(engine.matricesStatus(r.runId)).toMatchObject({ done: SYN.layers, pending: 0 })
    expect((await engine.drilldown(r.runId, 2)).lookupLayers).toBe(SYN.layers)
    expect(log.events().filter((e) => e.type === 'scheduled')).toHaveLength(0)
    await engine.close()
  })
})
