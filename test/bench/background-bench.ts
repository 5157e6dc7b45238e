/**
 * Background matrices under `precomputeMatrices: 'always'` (what the app uses): what a user waits for.
 * - click right after a run: the drill-down submitted the moment explain resolves (one piece in flight,
 *   the rest of the layers from the factors);
 * - click after the background completed: every layer a lookup;
 * - explain submitted while the previous image's pieces are pending: its latency, how long it sat in
 *   the queue (engine total − worker total) and how many old pieces ran before it;
 * - the pieces themselves (per-piece time, run end → last piece).
 * Distinct images per iteration, so no run inherits another's pieces. Not a test: no asserts.
 */
import type { EngineImage } from '../../main/core/engine/api'
import { createEngine, type BackgroundEvent, type LensEngine } from '../../main/engine'

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const max = (xs: number[]): number => (xs.length === 0 ? Number.NaN : Math.max(...xs))
const round = (x: number): number => Math.round(x * 10) / 10

function image(seed: number, width = 640, height = 480): EngineImage {
  const rgb = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set([(x * 255) / width, (y * 255) / height, ((x ^ y) + seed * 37) & 0xff], (y * width + x) * 3)
  return { width, height, rgb, sourceSha256: '0'.repeat(64) }
}

/** Events, plus a way to wait for one input's last piece. */
class Listener {
  readonly events: (BackgroundEvent & { readonly at: number })[] = []
  private waiters: { key: string; resolve: () => void }[] = []
  readonly on = (e: BackgroundEvent): void => {
    this.events.push({ ...e, at: performance.now() })
    if (e.type !== 'complete') return
    for (const w of this.waiters.filter((x) => x.key === e.key)) w.resolve()
    this.waiters = this.waiters.filter((x) => x.key !== e.key)
  }

  complete(key: string): Promise<void> {
    if (this.events.some((e) => e.type === 'complete' && e.key === key)) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ key, resolve }))
  }
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now()
  const r = await f()
  return [r, performance.now() - t]
}

/** Runs the scenarios `runs` times on one warm engine. */
export async function benchBackground(modelsDir: string, modelId: string, runs: number, workerUrl?: URL): Promise<Record<string, unknown>> {
  const l = new Listener()
  const engine: LensEngine = await createEngine({ modelsDir, preload: false, precomputeMatrices: 'always', onBackground: l.on, ...(workerUrl !== undefined ? { workerUrl } : {}) })
  const token = 98
  const clickEarly: number[] = []
  const clickEarlyLookups: number[] = []
  const clickDone: number[] = []
  const runToComplete: number[] = []
  const explainAlone: number[] = []
  const idleWait: number[] = []
  const explainBehind: number[] = []
  const queueWait: number[] = []
  const oldPiecesBefore: number[] = []
  let seed = 1
  // Warm-up: model load and the matrices session are not what this section measures.
  const warm = await engine.explain(image(seed++), { modelId, targetClass: 0 })
  await l.complete(engine.matricesStatus(warm.runId)!.key)
  for (let i = 0; i < runs; i++) {
    // Explain with an idle worker (the previous image's background finished).
    const [r, ms] = await timed(() => engine.explain(image(seed++), { modelId, targetClass: 0 }))
    const ranAt = performance.now()
    explainAlone.push(ms)
    idleWait.push((r.timings['engineTotal'] ?? Number.NaN) - (r.timings['total'] ?? Number.NaN))
    const key = engine.matricesStatus(r.runId)!.key
    const [early, earlyMs] = await timed(() => engine.drilldown(r.runId, token))
    clickEarly.push(earlyMs)
    clickEarlyLookups.push(early.lookupLayers)
    await l.complete(key)
    runToComplete.push(performance.now() - ranAt)
    clickDone.push((await timed(() => engine.drilldown(r.runId, token + 1 + i)))[1])
    // A new image while this run's pieces are pending: run A, then B at once.
    const a = await engine.explain(image(seed++), { modelId, targetClass: 0 })
    const keyA = engine.matricesStatus(a.runId)!.key
    const before = l.events.length
    const [b, bms] = await timed(() => engine.explain(image(seed++), { modelId, targetClass: 0 }))
    explainBehind.push(bms)
    queueWait.push((b.timings['engineTotal'] ?? Number.NaN) - (b.timings['total'] ?? Number.NaN))
    oldPiecesBefore.push(l.events.slice(before).filter((e) => e.type === 'piece' && e.key === keyA).length)
    await l.complete(engine.matricesStatus(b.runId)!.key)
  }
  const pieces = l.events.flatMap((e) => (e.type === 'piece' && e.source !== 'cache' ? [e.durationMs] : []))
  const layers = engine.listModels().find((m) => m.id === modelId)?.layers ?? 0
  await engine.close()
  return {
    bgRuns: runs,
    bgClickRightAfterRunMedianMs: round(median(clickEarly)),
    bgClickRightAfterRunMaxMs: round(max(clickEarly)),
    bgClickRightAfterRunLookupLayers: clickEarlyLookups.join('/'),
    bgClickAfterCompleteMedianMs: round(median(clickDone)),
    bgClickAfterCompleteMaxMs: round(max(clickDone)),
    bgRunEndToCompleteMedianMs: round(median(runToComplete)),
    bgPieceMedianMs: round(median(pieces)),
    bgPieceMaxMs: round(max(pieces)),
    bgPieces: pieces.length,
    bgLayers: layers,
    bgExplainIdleMedianMs: round(median(explainAlone)),
    bgExplainIdleQueueWaitMedianMs: round(median(idleWait)),
    bgExplainBehindPiecesMedianMs: round(median(explainBehind)),
    bgExplainQueueWaitMedianMs: round(median(queueWait)),
    bgExplainQueueWaitMaxMs: round(max(queueWait)),
    bgOldPiecesBeforeNewRun: oldPiecesBefore.join('/'),
  }
}
