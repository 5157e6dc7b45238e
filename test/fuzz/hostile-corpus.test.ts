// @vitest-environment node
/**
 * The hostile-input corpus (issue 16, build 9; test/fuzz/hostile-corpus.ts): every case goes through the
 * app's and the CLI's own entry (loadImageFile), and what loads through the model-input mapping. Each must
 * load or fail with a coded, explained error — never another exception, never a crash — within 5 s, and
 * the process's peak RSS over the whole corpus must stay under the 1.5 GB budget.
 * `HOSTILE_CORPUS_OUT=docs/bench/hostile-corpus.json` also writes the summary that docs/ROBUSTNESS.md cites.
 */
import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isImageIoError } from '../../main/adapters/image-io/errors'
import { loadImageFile } from '../../main/adapters/image-io/registry'
import { isAppError, messages } from '../../main/core/errors'
import { modelInputFromScan } from '../../main/core/image/model-input'
import { hostileCorpus } from './hostile-corpus'

const LIMIT_MS = 5000
const LIMIT_RSS_MB = 1500

describe('hostile corpus', () => {
  it('≥ 600 generated hostile files: each loads or fails with a coded error, in time, under the memory budget', async () => {
    const started = performance.now()
    const cases = await hostileCorpus()
    expect(cases.length).toBeGreaterThanOrEqual(600)
    const outcomes: Record<string, Record<string, number>> = {}
    const problems: string[] = []
    let slowest = { label: '', ms: 0 }
    for (const c of cases) {
      const t = performance.now()
      let outcome: string
      try {
        const scan = await loadImageFile(c.bytes, { name: c.name })
        modelInputFromScan(scan, { source: 'display', display: {} }) // what loads must also become a model input
        outcome = 'loaded'
      } catch (e) {
        outcome = isImageIoError(e) && isAppError(e) && e.code in messages && e.message.length > 20 ? e.code : 'UNCODED'
        if (outcome === 'UNCODED') problems.push(`${c.label}: uncoded ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
      }
      const ms = performance.now() - t
      if (ms > slowest.ms) slowest = { label: c.label, ms: Math.round(ms) }
      if (ms > LIMIT_MS) problems.push(`${c.label}: took ${Math.round(ms)} ms`)
      const family = (outcomes[c.family] ??= {})
      family[outcome] = (family[outcome] ?? 0) + 1
    }
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
    const summary = {
      date: new Date().toISOString(), cases: cases.length, seconds: Math.round((performance.now() - started) / 100) / 10,
      peakRssMb, slowest, outcomes,
    }
    console.log(JSON.stringify(summary))
    if (process.env['HOSTILE_CORPUS_OUT'] !== undefined) writeFileSync(process.env['HOSTILE_CORPUS_OUT'], `${JSON.stringify(summary, null, 2)}\n`)
    expect(problems).toEqual([])
    expect(peakRssMb).toBeLessThanOrEqual(LIMIT_RSS_MB)
    // No disguised file may reach a decoder that is not its own: none of them loads.
    expect(outcomes['disguised']?.['loaded'] ?? 0).toBe(0)
    // Each bomb is stopped at its cap; a gzip inside a gzip is inflated once only (no recursion), then refused.
    expect(outcomes['bomb']).toEqual({ 'image/too-large': 2, 'image/nifti-malformed': 1 })
    // The mutators reach the error paths, not only loadable files.
    expect(Object.keys(outcomes['dicom'] ?? {}).length).toBeGreaterThanOrEqual(5)
    expect(Object.keys(outcomes['nifti'] ?? {}).length).toBeGreaterThanOrEqual(3)
  }, 300_000)
})
