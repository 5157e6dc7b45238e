/**
 * Writes the engine section of docs/BENCHMARKS.md from one bench result (between markers, so other
 * sections of the file — e.g. the exporter's graph numbers — are left alone).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const START = '<!-- engine-bench:start -->'
const END = '<!-- engine-bench:end -->'

const ROWS: readonly [string, string, string][] = [
  ['cold start → first result (worker spawn + session + top-1 bundle), first launch (empty cache), median of 3 fresh engines', 'coldStartToFirstResultMs', 'ms'],
  ['↳ of which session creation (hash + ORT + card check)', 'sessionLoadFirstLaunchMs', 'ms'],
  ['cold start → first result, later launch (optimised graph from the cache), median of 3', 'coldStartCachedMs', 'ms'],
  ['↳ of which session creation', 'sessionLoadCachedMs', 'ms'],
  ['full bundle, top-1 (graph runs: see below) + all methods, median', 'bundleTop1MedianMs', 'ms'],
  ['full bundle, class given (1 graph run) + all methods, median', 'bundleGivenClassMedianMs', 'ms'],
  ['↳ one graph run, median', 'graphRunMedianMs', 'ms'],
  ['↳ all methods (TS, worker), median', 'allMethodsMedianMs', 'ms'],
  ['graph runs for top-1 without a class', 'graphRunsTop1', ''],
  ['drill-down one patch, factors path (TS), median', 'drilldownFactorsMedianMs', 'ms'],
  ['drill-down one patch, matrices lookup, median', 'drilldownLookupMedianMs', 'ms'],
  ['↳ factors path per layer (both directions)', 'drilldownFactorsPerLayerMs', 'ms'],
  ['all matrices at once, user request (per-layer pieces in one job), median of 4 inputs (allMatricesAllMs in the JSON)', 'allMatricesMs', 'ms'],
  ['↳ source', 'allMatricesSource', ''],
  ['all matrices, TS reference (extrapolated from one layer-direction)', 'tsAllMatricesEstimateMs', 'ms'],
  ['**background matrices (`always`, per-layer pieces)**: click right after a run, median', 'bgClickRightAfterRunMedianMs', 'ms'],
  ['↳ max', 'bgClickRightAfterRunMaxMs', 'ms'],
  ['↳ layers looked up (per run)', 'bgClickRightAfterRunLookupLayers', ''],
  ['click after the background completed, median', 'bgClickAfterCompleteMedianMs', 'ms'],
  ['↳ max', 'bgClickAfterCompleteMaxMs', 'ms'],
  ['one piece (one layer, G = 2, matrices graph), median', 'bgPieceMedianMs', 'ms'],
  ['↳ max', 'bgPieceMaxMs', 'ms'],
  ['run end → last piece done, median', 'bgRunEndToCompleteMedianMs', 'ms'],
  ['explain (class given), worker idle, median', 'bgExplainIdleMedianMs', 'ms'],
  ['↳ time in the queue (engine total − worker total), median', 'bgExplainIdleQueueWaitMedianMs', 'ms'],
  ['explain submitted while the previous image\'s pieces are pending, median', 'bgExplainBehindPiecesMedianMs', 'ms'],
  ['↳ time in the queue, median', 'bgExplainQueueWaitMedianMs', 'ms'],
  ['↳ time in the queue, max', 'bgExplainQueueWaitMaxMs', 'ms'],
  ['↳ old pieces that ran before it (per run)', 'bgOldPiecesBeforeNewRun', ''],
  ['session creation, no optimised-graph cache, median of 4', 'loadNoCacheMedianMs', 'ms'],
  ['session creation, from the optimised-graph cache, median of 4', 'loadCacheHitMedianMs', 'ms'],
  ['saving the optimised graph (writer thread, after the first result)', 'cacheWriteMs', 'ms'],
  ['↳ max abs logit difference, cached vs original graph', 'optimisedCacheMaxLogitDiff', ''],
  ['peak RSS (main + worker threads)', 'peakRssMB', 'MB'],
]

function fmtLoad(all: unknown, one: unknown): string {
  return Array.isArray(all) ? all.map(String).join(' / ') : String(one)
}

/** Replaces (or appends) the engine section of `path`. */
export function writeSummary(path: string, r: Readonly<Record<string, unknown>>, jsonFile: string): void {
  const lines = [
    START,
    `Engine, \`npm run bench\` — ${String(r['date'])}, ${String(r['cpu'])} × ${String(r['cores'])} cores, CPU steal ${String(r['cpuStealPercent'] ?? 'n/a')} %, load average (1/5/15 min) ${fmtLoad(r['loadAverageBefore'], r['loadAverage1m'])} before → ${fmtLoad(r['loadAverageAfter'], r['loadAverage1mAfter'])} after (the machine is shared with other jobs: absolute times are pessimistic), ${String(r['runtime'])}, provider \`${String(r['provider'])}\`, model \`${String(r['model'])}\` (sha256 ${String(r['sha256']).slice(0, 12)}…), ${String(r['runs'])} runs. Raw: \`${jsonFile}\`.`,
    '',
    '| measure | value |',
    '|---|---|',
    ...ROWS.map(([label, key, unit]) => `| ${label} | ${String(r[key] ?? 'n/a')}${unit === '' ? '' : ` ${unit}`} |`),
    END,
  ]
  const section = lines.join('\n')
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const i = old.indexOf(START)
  const j = old.indexOf(END)
  const next = i >= 0 && j > i ? old.slice(0, i) + section + old.slice(j + END.length) : `${old.trimEnd()}\n\n${section}\n`
  writeFileSync(path, next)
}
