// @vitest-environment node
/**
 * DICOM files generated at test time (dcmjs) for what the shared samples miss: a true DX radiograph,
 * MONOCHROME1 16-bit with a window, signed CT with rescale, junk above High Bit, a multi-frame series —
 * plus DCMTK-made re-encodings of them (big endian, implicit, deflate, no File Meta, RLE, JPEG lossless,
 * JPEG-LS) that must decode to the same modality values, and identifying attributes that must never leak.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { pixelValueAt, renderDisplay } from '../../../../main/core/image/display'
import type { LoadedScan } from '../../../../main/core/image/scan-types'
import { allGeneratedCases, ct12BitJunkHighBits, dxRadiograph, mono1Window16, multiFrame8, signedCtRescale, type GeneratedCase } from '../../../fixtures/dicom-gen/cases'
import { FAKE_PATIENT, SOP, makeDicom } from '../../../fixtures/dicom-gen/make-dicom'
import { createLogger } from '../../../../main/core/log'
import { dcm2pnm, hasDcmtk, cleanupScratch, scratchDir } from './dcmtk'

afterAll(cleanupScratch)

const grey = (s: LoadedScan): Float32Array => {
  if (s.pixels.kind !== 'gray') throw new Error('expected grey pixels')
  return s.pixels.values
}

function expectValues(scan: LoadedScan, c: GeneratedCase): void {
  const values = grey(scan)
  let differing = 0
  c.modalityValues.forEach((v, i) => { if (values[i] !== v) differing++ })
  expect(differing).toBe(0)
}

describe('generated DICOM cases', () => {
  it.each(allGeneratedCases().map((c) => [c.name, c] as const))('%s: size, values, windows, photometric', async (_n, c) => {
    const scan = await loadImageFile(c.bytes)
    expect([scan.width, scan.height, scan.modality, scan.photometric]).toEqual([c.columns, c.rows, c.modality, c.photometric])
    expectValues(scan, c)
    const fileWindows = scan.presets.flatMap((p) => (p.source === 'file' && p.kind === 'window' ? [p.window] : []))
    expect(fileWindows).toEqual(c.windows)
  })

  it('DX radiograph: detector spacing in mm, window explanations as labels, no CT presets', async () => {
    const scan = await loadImageFile(dxRadiograph().bytes)
    expect(scan.pixelSpacingMm).toEqual({ row: 0.139, column: 0.139, source: 'ImagerPixelSpacing' })
    expect(scan.presets.filter((p) => p.source === 'file').map((p) => p.label)).toEqual(['File: NORMAL', 'File: HARDER'])
    expect(scan.presets.some((p) => p.id.startsWith('ct-'))).toBe(false)
    expect(scan.meta).toMatchObject({ modality: 'DX', ViewPosition: 'PA', BodyPartExamined: 'CHEST', Manufacturer: 'Synthetic' })
  })

  it('MONOCHROME1: the lowest value displays white, the highest black; invert toggles back', async () => {
    const c = mono1Window16()
    const scan = await loadImageFile(c.bytes)
    expect(scan.isInvertedByPhotometric).toBe(true)
    const lo = c.modalityValues.indexOf(Math.min(...c.modalityValues))
    const hi = c.modalityValues.indexOf(Math.max(...c.modalityValues))
    // Window 30000/40000 spans 10000…50000: the minimum (1000) is below it, the maximum near its top.
    const img = renderDisplay(scan)
    expect(img.data[lo * 3]).toBe(255)
    expect(img.data[hi * 3]).toBeLessThan(10)
    const flipped = renderDisplay(scan, { invert: true })
    expect(flipped.data[lo * 3]).toBe(0)
    expect(flipped.data[hi * 3]).toBeGreaterThan(245)
  })

  it('signed CT: HU readout, CT presets, file window first', async () => {
    const c = signedCtRescale()
    const scan = await loadImageFile(c.bytes)
    expect(pixelValueAt(scan, 0, 0)).toEqual({ x: 0, y: 0, kind: 'gray', value: c.modalityValues[0], unit: 'HU' })
    expect(scan.defaultPresetId).toBe('file-window-0')
    expect(scan.presets.map((p) => p.id)).toEqual(expect.arrayContaining(['ct-lung', 'ct-bone', 'ct-brain', 'ct-soft-tissue']))
  })

  it('12-bit signed data with junk above High Bit is masked and sign-extended', async () => {
    const scan = await loadImageFile(ct12BitJunkHighBits().bytes)
    expect(Math.min(...grey(scan))).toBe(-1100)
  })

  it('frame picker returns each frame of a multi-frame file', async () => {
    const c = multiFrame8()
    const frame2 = await loadImageFile(c.bytes, { frame: 2 })
    expect(frame2.frame).toEqual({ index: 2, count: 3 })
    expect(grey(frame2)[0]).toBe((c.modalityValues[0] as number) + 40)
  })

  it('identifying attributes are separated: absent from meta, JSON and inspect output, present on reveal()', async () => {
    for (const c of allGeneratedCases()) {
      const scan = await loadImageFile(c.bytes)
      const texts = [JSON.stringify({ ...scan, pixels: undefined }), inspect({ ...scan, pixels: undefined }, { depth: 6 }), JSON.stringify(scan.meta)]
      for (const value of Object.values(FAKE_PATIENT)) for (const t of texts) expect(t).not.toContain(value)
      expect(scan.phi.reveal()).toMatchObject({ PatientName: FAKE_PATIENT.PatientName, PatientID: FAKE_PATIENT.PatientID, AccessionNumber: FAKE_PATIENT.AccessionNumber })
    }
  })
})

function dcmtk(tool: string, args: string[]): boolean {
  return spawnSync(tool, args, { stdio: 'ignore' }).status === 0
}

/** DCMTK re-encodings: [label, tool, args]; every one is lossless, so values must not change. */
const ENCODINGS: readonly (readonly [string, string, readonly string[]])[] = [
  ['explicit big endian', 'dcmconv', ['+tb']],
  ['implicit little endian', 'dcmconv', ['+ti']],
  ['deflated', 'dcmconv', ['+td']],
  ['no File Meta (bare implicit data set)', 'dcmconv', ['+ti', '-F']],
  ['RLE', 'dcmcrle', []],
  ['JPEG lossless SV1', 'dcmcjpeg', ['+e1']],
  ['JPEG-LS lossless', 'dcmcjpls', ['+el']],
]

const noDcmtk = hasDcmtk() ? '' : 'DCMTK not installed; re-encoding and dcm2pnm checks skipped'

describe.skipIf(noDcmtk !== '')(`generated cases through DCMTK${noDcmtk ? ` — ${noDcmtk}` : ''}`, () => {
  const cases = [dxRadiograph(), mono1Window16(), signedCtRescale(), ct12BitJunkHighBits()]
  const grid = cases.flatMap((c) => ENCODINGS.map(([label, tool, args]) => [c.name, label, c, tool, args] as const))

  it.each(grid)('%s as %s decodes to the same values', async (_n, label, c, tool, args) => {
    const dir = scratchDir()
    const src = join(dir, 'src.dcm')
    const out = join(dir, 'out.dcm')
    writeFileSync(src, c.bytes)
    expect(dcmtk(tool, [...args, src, out]), `${tool} ${label}`).toBe(true)
    const scan = await loadImageFile(new Uint8Array(readFileSync(out)))
    expectValues(scan, c)
    if (label.startsWith('no File Meta')) expect(scan.meta.hasFileMeta).toBe(false)
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s renders like dcm2pnm', async (_n, c) => {
    const dir = scratchDir()
    const src = join(dir, 'src.dcm')
    writeFileSync(src, c.bytes)
    const scan = await loadImageFile(c.bytes)
    const voi = c.windows.length ? ['+Wi', '1'] : ['+Ww', String(scan.defaultWindow.center), String(scan.defaultWindow.width)]
    const pnm = dcm2pnm(src, 0, voi, dir)
    expect(pnm).toBeDefined()
    const ours = renderDisplay(scan).data
    let worst = 0
    pnm?.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - (ours[i * 3] as number))) })
    // Slope 0.5 gives half-integer HU; DCMTK truncates those before windowing (see the cross-check test).
    expect(worst).toBeLessThanOrEqual(c.name === 'ct-12bit-junk' ? 1 : 0)
  })
})

describe('logging', () => {
  it('writes one PHI-free record per load: no patient values, no file name', async () => {
    const records: string[] = []
    const log = createLogger((r) => records.push(JSON.stringify(r)))
    await loadImageFile(signedCtRescale().bytes, { name: 'Testperson_Alice_scan.dcm', log })
    await loadImageFile(new Uint8Array(10), { name: 'Testperson_Alice_notes.txt', log }).catch(() => undefined)
    expect(records.length).toBe(2)
    expect(records[0]).toContain('"loader":"dicom"')
    expect(records[1]).toContain('image/unsupported-format')
    for (const r of records) {
      expect(r).not.toContain('Testperson')
      for (const value of Object.values(FAKE_PATIENT)) expect(r).not.toContain(value)
    }
  })
})

describe('colour layouts', () => {
  // 3×2 RGB test pattern, interleaved.
  const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 128, 128, 128, 250, 200, 150]
  const planar = [0, 1, 2].flatMap((c) => rgb.filter((_, i) => i % 3 === c))
  const make = (pixels: number[], photometric: string, planarConfiguration: 0 | 1) => makeDicom({
    sopClassUid: SOP.sc, rows: 2, columns: 3, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, photometric,
    samplesPerPixel: 3, pixels: Uint8Array.from(pixels), attributes: { Modality: 'OT', PlanarConfiguration: planarConfiguration },
  })

  it('planar configuration 1 (RRR…GGG…BBB…) gives the same RGB as interleaved', async () => {
    const a = await loadImageFile(make(rgb, 'RGB', 0))
    const b = await loadImageFile(make(planar, 'RGB', 1))
    expect(a.pixels.kind === 'rgb' && [...a.pixels.rgb]).toEqual(rgb)
    expect(b.pixels.kind === 'rgb' && [...b.pixels.rgb]).toEqual(rgb)
  })

  it('uncompressed YBR_FULL converts to RGB (grey stays grey)', async () => {
    const ybr = [128, 128, 128, 0, 128, 128, 255, 128, 128, 76, 85, 255, 150, 44, 21, 29, 255, 107]
    const scan = await loadImageFile(make(ybr, 'YBR_FULL', 0))
    const out = scan.pixels.kind === 'rgb' ? [...scan.pixels.rgb] : []
    expect(out.slice(0, 9)).toEqual([128, 128, 128, 0, 0, 0, 255, 255, 255])
    expect(out[9]).toBeGreaterThan(250) // pure red
  })
})
