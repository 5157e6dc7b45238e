// @vitest-environment node
/**
 * The export runs in a worker thread: main's event loop keeps turning while a large figure is composed
 * (docs/EXPORT.md measures ~5 s for big panels in every format), a cancel reaches the worker mid-export and
 * leaves the folder untouched, and errors come back as their codes.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportInWorker } from '../../../main/app/export/export-thread'
import { createLogger } from '../../../main/core/log'
import { FAKE_PHI, request } from '../core/export/fixture'
import { scratch } from '../adapters/export/readers'

const tmp = scratch('thread')
afterAll(tmp.cleanup)
const runner = exportInWorker(createLogger(() => undefined))

/** Largest gap between timer ticks while `work` runs: how long main's event loop was blocked at most. */
async function maxGapMs<T>(work: Promise<T>): Promise<{ value: T; gap: number }> {
  let last = performance.now()
  let gap = 0
  const timer = setInterval(() => {
    const now = performance.now()
    gap = Math.max(gap, now - last)
    last = now
  }, 10)
  try {
    return { value: await work, gap }
  } finally {
    clearInterval(timer)
  }
}

describe('exportInWorker', () => {
  it('keeps main responsive while a large figure is written, and the files are complete', async () => {
    const dir = join(tmp.dir, 'big')
    const req = request(1600, 1200, {}, { methodIds: ['mamba-rollout', 'mamba-attribution'] })
    const { value: report, gap } = await maxGapMs(runner(req, { outDir: dir, formats: ['png', 'svg', 'pdf'], scales: [1, 2] }))
    expect(report.files.map((f) => f.format)).toEqual(['png', 'png', 'svg', 'pdf'])
    expect(readdirSync(dir)).toHaveLength(4)
    // In-process, composition would hold the loop for seconds; here only message handling runs on it.
    expect(gap).toBeLessThan(400)
  })

  it('a cancel mid-export stops the worker at its next step and leaves no file or temporary behind', async () => {
    const dir = join(tmp.dir, 'cancel')
    const controller = new AbortController()
    const work = runner(request(1600, 1200, {}, { methodIds: ['mamba-rollout', 'mamba-attribution'] }), {
      outDir: dir, formats: ['png', 'svg', 'pdf', 'dicom'], scales: [1, 2, 3], signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 1500)
    await expect(work).rejects.toMatchObject({ code: 'run/cancelled' })
    expect(() => readdirSync(dir)).toThrow() // never created: nothing was written
  })

  it('refusals come back with their code; the PHI record crosses to the worker and is searched there', async () => {
    const req = request(300, 240, { caption: 'Seen at Example General Hospital', source: { kind: 'dicom', fileSha256: 'b'.repeat(64), phi: FAKE_PHI, meta: {} } })
    await expect(runner(req, { outDir: join(tmp.dir, 'phi'), formats: ['png'] })).rejects.toMatchObject({ code: 'export/phi-detected' })
    await expect(runner(req, { outDir: join(tmp.dir, 'bad'), formats: [] })).rejects.toMatchObject({ code: 'export/invalid-request' })
  })
})
