// @vitest-environment node
/** Refusals, opt-ins and atomic writes of exportFigure: nothing identifying, nothing half-written. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportFigure } from '../../../../main/adapters/export/export-figure'
import { isAppError, type ErrorCode } from '../../../../main/core/errors'
import type { ExportOptions, FigureRequest } from '../../../../main/core/export/types'
import { createLogger, type LogRecord } from '../../../../main/core/log'
import { FAKE_PHI, MODEL, request } from '../../core/export/fixture'
import { dcmdumpValues, hasTool, listDir, scratch } from './readers'

const dirs: (() => void)[] = []
afterAll(() => dirs.forEach((c) => c()))
function outDir(): string {
  const s = scratch('safety')
  dirs.push(s.cleanup)
  return s.dir
}

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | string> {
  try {
    await p
  } catch (e) {
    return isAppError(e) ? e.code : `not an AppError: ${String(e)}`
  }
  return 'resolved'
}

const ALL: ExportOptions['formats'] = ['png', 'svg', 'pdf', 'dicom']

describe('privacy preflight refuses before writing anything', () => {
  const cases: [string, FigureRequest][] = [
    ['patient name in the caption', request(300, 240, { caption: 'Alice Testperson, follow-up' })],
    ['birth date in the caption (ISO spelling)', request(300, 240, { caption: 'born 1970-01-01' })],
    ['patient ID as the file name', request(300, 240, { fileStem: 'MRN-000-TEST-42' })],
    ['accession number in the file name', request(300, 240, { fileStem: 'figure ACC-TEST-9001' })],
    ['institution as a class label', request(300, 240, { model: { ...MODEL, classes: ['cat', 'Example General Hospital'] } })],
    ['patient name as a method label', request(300, 240, { methodLabels: { 'mamba-rollout': 'Testperson' } })],
  ]
  it.each(cases)('%s', async (_, req) => {
    const dir = outDir()
    // The user's own texts are checked by shape first (export/phi-pattern), everything by value after.
    expect(['export/phi-detected', 'export/phi-pattern']).toContain(await codeOf(exportFigure(req, { outDir: dir, formats: ALL, sidecar: true })))
    expect(listDir(dir)).toEqual([])
  })

  it('the same figure without those details exports, and the error never carries the value', async () => {
    const dir = outDir()
    try {
      await exportFigure(request(300, 240, { caption: 'Alice Testperson' }), { outDir: dir, formats: ['png'] })
    } catch (e) {
      expect(JSON.stringify({ m: (e as Error).message, d: (e as { detail?: unknown }).detail })).not.toMatch(/Testperson|Alice/)
    }
    const ok = await exportFigure(request(300, 240, { caption: 'Case 12, arterial phase' }), { outDir: dir, formats: ['png'], scales: [1] })
    expect(ok.files).toHaveLength(1)
  })
})

describe('burned-in annotation', () => {
  it('a source marked YES is refused unless the user confirms', async () => {
    const dir = outDir()
    const marked = request(300, 240, { source: { kind: 'dicom', fileSha256: 'c'.repeat(64), phi: FAKE_PHI, meta: { modality: 'US', BurnedInAnnotation: 'YES' } } })
    expect(await codeOf(exportFigure(marked, { outDir: dir, formats: ['png'] }))).toBe('export/burned-in-annotation')
    expect(listDir(dir)).toEqual([])
    const ok = await exportFigure(marked, { outDir: dir, formats: ['png'], scales: [1], acceptBurnedInAnnotation: true })
    expect(ok.files).toHaveLength(1)
  })

  it('an unmarked ultrasound exports with a warning to check the pixels', async () => {
    const us = request(300, 240, { source: { kind: 'dicom', fileSha256: 'c'.repeat(64), meta: { modality: 'US' } } })
    const r = await exportFigure(us, { outDir: outDir(), formats: ['png'], scales: [1] })
    expect(r.warnings.join(' ')).toMatch(/burned into its pixels/)
  })
})

describe('options', () => {
  it.each([
    ['no format', { formats: [] }],
    ['unknown format', { formats: ['jpg'] as unknown as ExportOptions['formats'] }],
    ['scale 0', { formats: ['png'], scales: [0] }],
    ['fractional scale', { formats: ['png'], scales: [1.5] }],
    ['empty folder', { formats: ['png'], outDir: ' ' }],
  ] as const)('%s → export/invalid-request', async (_, o) => {
    expect(await codeOf(exportFigure(request(), { outDir: outDir(), ...o } as ExportOptions))).toBe('export/invalid-request')
  })

  it('a folder that cannot be created is export/write-failed and leaves no temporaries', async () => {
    const dir = outDir()
    writeFileSync(join(dir, 'file'), 'x')
    expect(await codeOf(exportFigure(request(), { outDir: join(dir, 'file', 'sub'), formats: ['png'] }))).toBe('export/write-failed')
    expect(listDir(dir)).toEqual(['file'])
  })

  it('a cancelled export writes nothing', async () => {
    const dir = outDir()
    const c = new AbortController()
    c.abort()
    expect(await codeOf(exportFigure(request(), { outDir: dir, formats: ALL, signal: c.signal }))).toBe('run/cancelled')
    expect(listDir(dir)).toEqual([])
  })

  it('never overwrites by default: a second export gets "-2"; overwrite reuses the name; no temporaries remain', async () => {
    const dir = outDir()
    const a = await exportFigure(request(), { outDir: dir, formats: ['png', 'svg'], scales: [1] })
    const b = await exportFigure(request(), { outDir: dir, formats: ['png', 'svg'], scales: [1] })
    const c = await exportFigure(request(), { outDir: dir, formats: ['png', 'svg'], scales: [1], overwrite: true })
    expect(a.files[0]!.path).toMatch(/ml-bbbbbbbbbbbb-mamba-rollout-class1-dog\.png$/)
    expect(b.files[0]!.path).toMatch(/ml-bbbbbbbbbbbb-mamba-rollout-class1-dog-2\.png$/)
    expect(c.files[0]!.path).toBe(a.files[0]!.path)
    expect(listDir(dir).filter((n) => n.startsWith('.'))).toEqual([])
    expect(listDir(dir)).toHaveLength(4)
  })

  it('logs ids and hashes only: no path, no patient value', async () => {
    const records: LogRecord[] = []
    const dir = outDir()
    await exportFigure(request(), { outDir: dir, formats: ['png'], scales: [1] }, { log: createLogger((r) => records.push(r)) })
    const text = JSON.stringify(records)
    expect(records.length).toBeGreaterThan(0)
    expect(text).not.toContain(dir)
    expect(text).not.toMatch(/Testperson|MRN-000|19700101/)
  })
})

describe('hashed linkage ID (opt-in)', () => {
  it('needs a site salt', async () => {
    expect(await codeOf(exportFigure(request(), { outDir: outDir(), formats: ['png'], keepLinkageId: true }))).toBe('export/invalid-request')
  })

  it('is stable for one salt, differs for another, and never contains the ID', async () => {
    const o = { formats: ['png'] as ExportOptions['formats'], scales: [1], keepLinkageId: true }
    const a = await exportFigure(request(), { ...o, outDir: outDir(), linkageSalt: 'site-secret-1' })
    const b = await exportFigure(request(), { ...o, outDir: outDir(), linkageSalt: 'site-secret-1' })
    const c = await exportFigure(request(), { ...o, outDir: outDir(), linkageSalt: 'site-secret-2' })
    expect(a.provenance.privacy.linkageId).toMatch(/^ML-[0-9A-F]{16}$/)
    expect(b.provenance.privacy.linkageId).toBe(a.provenance.privacy.linkageId)
    expect(c.provenance.privacy.linkageId).not.toBe(a.provenance.privacy.linkageId)
    expect(a.provenance.privacy.linkageId).not.toContain('TEST')
  })

  it('without a patient ID in the source there is nothing to link: warning, no ID', async () => {
    const r = await exportFigure(request(300, 240, { source: { kind: 'raster', fileSha256: 'd'.repeat(64) } }),
      { outDir: outDir(), formats: ['png'], scales: [1], keepLinkageId: true, linkageSalt: 'site-secret-1' })
    expect(r.provenance.privacy.linkageId).toBeNull()
    expect(r.warnings.join(' ')).toMatch(/no patient ID/)
  })

  it.skipIf(!hasTool('dcmdump'))('goes into the SC PatientID; without opt-in PatientID stays empty', async () => {
    const linked = await exportFigure(request(), { outDir: outDir(), formats: ['dicom'], keepLinkageId: true, linkageSalt: 'site-secret-1' })
    const plain = await exportFigure(request(), { outDir: outDir(), formats: ['dicom'] })
    expect(dcmdumpValues(linked.files[0]!.path).map.get('0010,0020')).toBe(linked.provenance.privacy.linkageId)
    expect(dcmdumpValues(plain.files[0]!.path).map.get('0010,0020')).toMatch(/^\(no value available\)$/)
  })
})

describe('patient-data preflight for inputs without an identifying record (a PNG)', () => {
  const png = (over: Partial<FigureRequest> = {}): FigureRequest => {
    const r = request(300, 240, over)
    return { ...r, source: { kind: 'raster', fileSha256: r.source.fileSha256 } }
  }

  it('the issue\'s caption is refused by its shape, nothing written, and the error names kinds only', async () => {
    const dir = outDir()
    let err: unknown
    try {
      await exportFigure(png({ caption: 'Patient Maria Silva, DOB 1970-01-01, MRN 12345' }), { outDir: dir, formats: ALL, sidecar: true })
    } catch (e) {
      err = e
    }
    expect(isAppError(err) && err.code).toBe('export/phi-pattern')
    expect((err as Error).message).toMatch(/a date, a record number, a person's name/)
    expect((err as Error).message).not.toMatch(/Silva|1970|12345/)
    expect(listDir(dir)).toEqual([])
  })

  it('text burned into the pixels is refused before writing; masking or keeping it is the user\'s explicit choice', async () => {
    const dir = outDir()
    const base = png()
    // Three lines of twelve hollow 6×10 boxes on a black band at the top: glyphs as the finder sees them.
    const image = { ...base.image, data: base.image.data.slice() }
    for (let y = 0; y < 60; y++) image.data.fill(0, y * image.width * 3, (y + 1) * image.width * 3)
    for (const top of [6, 24, 42]) {
      for (let g = 0; g < 12; g++) {
        const left = 8 + g * 9
        for (let y = top; y < top + 10; y++) for (let x = left; x < left + 6; x++) {
          const edge = y === top || y === top + 9 || x === left || x === left + 5
          if (edge) image.data.fill(235, (y * image.width + x) * 3, (y * image.width + x) * 3 + 3)
        }
      }
    }
    const req = { ...base, image }
    expect(await codeOf(exportFigure(req, { outDir: dir, formats: ['png'], scales: [1] }))).toBe('export/burned-in-text')
    expect(listDir(dir)).toEqual([])
    const masked = await exportFigure(req, { outDir: dir, formats: ['png'], scales: [1], burnedInText: 'mask' })
    expect(masked.warnings.join(' ')).toMatch(/3 line\(s\) of burned-in text were masked/)
    const kept = await exportFigure(req, { outDir: dir, formats: ['png'], scales: [1], burnedInText: 'keep' })
    expect(kept.warnings.join(' ')).toMatch(/kept/)
    // A picture without text needs no choice.
    expect((await exportFigure(base, { outDir: dir, formats: ['png'], scales: [1] })).files).toHaveLength(1)
  })
})
