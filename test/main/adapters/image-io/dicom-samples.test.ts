// @vitest-environment node
/**
 * Every file in ../shared/data/dicom either renders or fails with a specific, expected error code
 * (issue: "PROVE IT"). The table is the contract; a sample added without an entry fails the suite.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { isImageIoError } from '../../../../main/adapters/image-io/errors'
import { renderDisplay } from '../../../../main/core/image/display'
import { SAMPLE_EXPECTATIONS } from './sample-expectations'
import { DICOM_DIR, NO_DATA_REASON, hasDicomSamples } from './shared-data'

const files = hasDicomSamples ? readdirSync(DICOM_DIR).filter((f) => f.endsWith('.dcm')).sort() : []
const load = (f: string, frame?: number) => loadImageFile(new Uint8Array(readFileSync(path.join(DICOM_DIR, f))), { name: f, ...(frame === undefined ? {} : { frame }) })

describe.skipIf(!hasDicomSamples)(`every shared DICOM sample (${hasDicomSamples ? 'data present' : NO_DATA_REASON})`, () => {
  it('has an expectation for each file in the folder, and each expectation has a file', () => {
    expect(files.length).toBeGreaterThanOrEqual(51)
    expect(files.filter((f) => !(f in SAMPLE_EXPECTATIONS))).toEqual([])
    expect(Object.keys(SAMPLE_EXPECTATIONS).filter((f) => !files.includes(f))).toEqual([])
  })

  it.each(files)('%s renders or fails as expected', async (f) => {
    const exp = SAMPLE_EXPECTATIONS[f]
    if (!exp) throw new Error(`no expectation for ${f}`)
    if ('error' in exp) {
      const err = await load(f).then(() => undefined, (e: unknown) => e)
      expect(isImageIoError(err) ? err.code : err).toBe(exp.error)
      return
    }
    const scan = await load(f)
    expect(scan.kind).toBe('dicom')
    expect(scan.pixels.kind).toBe(exp.render)
    expect([scan.width, scan.height, scan.frame.count]).toEqual([exp.width, exp.height, exp.frames ?? 1])
    if (exp.photometric) expect(scan.photometric).toBe(exp.photometric)
    const img = renderDisplay(scan)
    expect(img.data.length).toBe(exp.width * exp.height * 3)
    if (scan.pixels.kind === 'gray') {
      expect(Number.isFinite(scan.pixels.min) && Number.isFinite(scan.pixels.max)).toBe(true)
      // A rendition that is one flat grey would hide a broken window: real images have contrast.
      expect(new Set(img.data).size).toBeGreaterThan(1)
    }
  })

  it.each(files.filter((f) => { const e = SAMPLE_EXPECTATIONS[f]; return e && 'render' in e && (e.frames ?? 1) > 1 }))('%s: frame picker reaches the last frame and refuses one past it', async (f) => {
    const first = await load(f)
    const last = await load(f, first.frame.count - 1)
    expect(last.frame).toEqual({ index: first.frame.count - 1, count: first.frame.count })
    const err = await load(f, first.frame.count).then(() => undefined, (e: unknown) => e)
    expect(isImageIoError(err) && err.code).toBe('image/frame-out-of-range')
  })

  it.each(files.filter((f) => { const e = SAMPLE_EXPECTATIONS[f]; return e && 'render' in e }))('%s: meta holds no identifying value', async (f) => {
    const scan = await load(f)
    // A value inside an allow-listed technical attribute (InstitutionName 'TOSHIBA' ⊂ Manufacturer 'TOSHIBA_MEC')
    // is a coincidence of the sample, not a leak.
    const allowed = Object.values(scan.meta).map(String)
    const identifying = Object.values(scan.phi.reveal())
      .filter((v): v is string => typeof v === 'string' && v.length >= 6 && !allowed.some((a) => a.includes(v)))
    const metaText = JSON.stringify(scan.meta)
    const scanText = JSON.stringify({ ...scan, pixels: undefined })
    for (const v of identifying) {
      expect(metaText).not.toContain(v)
      expect(scanText).not.toContain(v)
    }
    for (const key of ['PatientName', 'PatientID', 'PatientBirthDate', 'AccessionNumber', 'InstitutionName', 'StudyDate']) {
      expect(Object.keys(scan.meta)).not.toContain(key)
    }
  })
})
