/**
 * Drill-down of a cached run (ALGORITHMS.md §2.1): the hidden-attention row and column of one token for
 * every layer and direction. Layers whose matrices piece is done are a lookup (slice of the piece); the
 * others are computed from the factors in TypeScript (main/core/attention). Measured on Vim-T, 2 cores:
 * ≈25 ms per layer in TypeScript vs ≈240 ms for the same layer through the matrices graph (it computes
 * all L² entries, the TypeScript path only the row and column), so the factors path is the fast one for
 * the layers that are still missing; a lookup costs ≈0.1 ms per layer.
 */
import { drilldownVectors } from '../core/attention/drilldown'
import { attentionFactorsFromTaps } from '../core/attention/factors'
import { AppError } from '../core/errors'
import type { Logger } from '../core/log'
import type { Tap } from '../core/explain/method'
import { methods as allMethods } from '../core/explain/registry'
import { tokenToPatch } from '../core/layout'
import type { JobContext, JobOutput } from './explain-job'
import type { MatrixPieces } from './matrix-pieces'
import type { DrilldownReq, DrilldownRes } from './protocol'
import { transferablesOf } from './protocol'
import type { CachedRun } from './run-cache'

type Pair = readonly [Float32Array, Float32Array]

/** Row and column of `token` from a finished piece (`[2, L, L]`, original order). */
function rowColFromPiece(piece: Float32Array, L: number, token: number): { row: Pair; col: Pair } {
  const r: Float32Array[] = []
  const c: Float32Array[] = []
  for (let d = 0; d < 2; d++) {
    const base = d * L * L
    r.push(piece.slice(base + token * L, base + token * L + L))
    const col = new Float32Array(L)
    for (let i = 0; i < L; i++) col[i] = piece[base + i * L + token]!
    c.push(col)
  }
  return { row: [r[0]!, r[1]!], col: [c[0]!, c[1]!] }
}

/** Rows and columns of every layer: lookups where a piece is done, the factors path for the rest. */
function rowsCols(run: CachedRun, pieces: MatrixPieces, token: number): { rows: Pair[]; cols: Pair[]; lookups: number } {
  const L = run.taps.layout.tokens
  const rows: Pair[] = []
  const cols: Pair[] = []
  const missing = pieces.missing()
  const computed = missing.length > 0 ? drilldownVectors(attentionFactorsFromTaps(run.taps), token, missing) : { rows: [], cols: [] }
  let k = 0
  for (let l = 0; l < run.taps.layers; l++) {
    const piece = pieces.get(l)
    if (piece !== undefined) {
      const rc = rowColFromPiece(piece, L, token)
      rows.push(rc.row)
      cols.push(rc.col)
    } else {
      rows.push(computed.rows[k]!)
      cols.push(computed.cols[k]!)
      k++
    }
  }
  return { rows, cols, lookups: run.taps.layers - missing.length }
}

/** Per method with per-layer vectors: the token's value at each layer (NaN where the method skips it). */
function profileOf(run: CachedRun, token: number, log: Logger): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {}
  for (const m of allMethods) {
    if (m.layerVectors === undefined || !m.needs.every((t: Tap) => run.taps.tensors[t] !== undefined)) continue
    // Class-specific taps of a run made with an all-zero target explain nothing; leave them out.
    if (m.classSpecific && run.graphTarget !== run.targetClass) continue
    try {
      const lv = m.layerVectors(run.taps, run.options)
      const v = new Float32Array(run.taps.layers).fill(Number.NaN)
      lv.layers.forEach((layer, k) => { v[layer] = lv.vectors[k]![token]! })
      out[m.id] = v
    } catch (e) {
      // A layer range valid for one method can be invalid for another (gradient layers); skip that one.
      log.debug('profile skipped', { method: m.id, reason: e instanceof Error ? e.message : String(e) })
    }
  }
  return out
}

/** Rows, columns and profile of one token. */
export function drilldownJob(req: DrilldownReq, ctx: JobContext, log: Logger): JobOutput<DrilldownRes> {
  const t0 = performance.now()
  const run = ctx.runs.require(req.runId)
  const L = run.taps.layout.tokens
  // Checked here too: a lookup would not notice a bad token the way the factors path does.
  if (!(Number.isInteger(req.token) && req.token >= 0 && req.token < L)) throw new AppError('explain/invalid-token', { detail: { token: req.token, tokens: L } })
  const patch = tokenToPatch(run.taps.layout, req.token) ?? -1
  const rc = rowsCols(run, run.pieces, req.token)
  const profile = profileOf(run, req.token, log)
  const source: DrilldownRes['source'] = rc.lookups === run.taps.layers ? 'matrices' : rc.lookups === 0 ? 'factors' : 'mixed'
  const value: DrilldownRes = {
    patch, rows: rc.rows, cols: rc.cols, profile, source, lookupLayers: rc.lookups, matrices: run.pieces.state(), durationMs: performance.now() - t0,
  }
  const arrays = [...rc.rows.flat(), ...rc.cols.flat(), ...Object.values(profile)]
  return { value, transfer: transferablesOf(arrays) }
}
