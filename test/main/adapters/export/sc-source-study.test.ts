// @vitest-environment node
/**
 * The DICOM Secondary Capture filed back into the source study (issue 15), opt-in only. Each written file is
 * parsed again with dicom-parser (not our encoder): pixels present, RGB, the figure's size; by default no
 * identifier and a study of its own; opted in, the source's patient and study attributes, its Study Instance
 * UID, new Series / SOP Instance UIDs and a Source Image Sequence naming the source image — while the PNG of
 * the same export stays de-identified. A synthetic CT with made-up identifiers always runs; the shared samples
 * (a single-frame CT, a two-frame RGB SC) run where ../shared/data is present.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import dicomParser, { type DataSet } from 'dicom-parser'
import { afterAll, describe, expect, it } from 'vitest'
import { exportFigure } from '../../../../main/adapters/export/export-figure'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { renderDisplay } from '../../../../main/core/image/display'
import { isAppError } from '../../../../main/core/errors'
import type { ExportOptions, FigureRequest } from '../../../../main/core/export/types'
import { FAKE_PATIENT, makeDicom, SOP } from '../../../fixtures/dicom-gen/make-dicom'
import { request, result } from '../../core/export/fixture'
import { scratch } from './readers'

const DICOM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/dicom')
const tmp = scratch('sc-source')
afterAll(() => tmp.cleanup())

/** Identifying attributes the synthetic source carries besides FAKE_PATIENT. */
const STUDY = { StudyInstanceUID: '1.2.826.0.1.3680043.99.1', SeriesInstanceUID: '1.2.826.0.1.3680043.99.1.2', PatientSex: 'F', StudyID: 'S-777', StudyTime: '101500' }

function syntheticCt(): Uint8Array {
  const rows = 40, columns = 48
  return makeDicom({
    sopClassUid: SOP.ct, rows, columns, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, photometric: 'MONOCHROME2',
    pixels: Int16Array.from({ length: rows * columns }, (_, i) => ((i * 37) % 2000) - 1000),
    attributes: { Modality: 'CT', RescaleIntercept: 0, RescaleSlope: 1, WindowCenter: 40, WindowWidth: 400, ...STUDY },
  })
}

/** The figure request of a loaded DICOM, as the app and the CLI build it. */
async function dicomRequest(bytes: Uint8Array, name: string): Promise<{ req: FigureRequest; source: DataSet }> {
  const scan = await loadImageFile(bytes, { name })
  const image = renderDisplay(scan)
  const base = request(image.width, image.height)
  const req = { ...base, result: result(image.width, image.height), image, inputMapping: { frameIndex: 0, frameCount: scan.frame.count },
    source: { kind: 'dicom' as const, fileSha256: 'd'.repeat(64), phi: scan.phi, meta: scan.meta } }
  return { req, source: dicomParser.parseDicom(bytes) }
}

async function exported(req: FigureRequest, dir: string, over: Partial<ExportOptions> = {}): Promise<{ sc: DataSet; scBytes: Buffer; png: Buffer; width: number; height: number }> {
  const report = await exportFigure(req, { outDir: path.join(tmp.dir, dir), formats: ['png', 'dicom'], scales: [1], burnedInText: 'keep', ...over })
  const file = (f: string) => report.files.find((x) => x.format === f)!
  const scBytes = readFileSync(file('dicom').path)
  return { sc: dicomParser.parseDicom(scBytes), scBytes, png: readFileSync(file('png').path), width: file('dicom').width!, height: file('dicom').height! }
}

const TAGS = {
  PatientName: 'x00100010', PatientID: 'x00100020', PatientBirthDate: 'x00100030', PatientSex: 'x00100040', StudyDate: 'x00080020',
  StudyTime: 'x00080030', AccessionNumber: 'x00080050', StudyID: 'x00200010', StudyInstanceUID: 'x0020000d', SeriesInstanceUID: 'x0020000e',
  SOPInstanceUID: 'x00080018', SOPClassUID: 'x00080016',
} as const
const str = (ds: DataSet, tag: string): string => (ds.string(tag) ?? '').trim()

/** What every SC must be: an RGB Secondary Capture of the figure, derived, with its labels burned in. */
function expectScImage(sc: DataSet, width: number, height: number): void {
  expect(str(sc, TAGS.SOPClassUID)).toBe('1.2.840.10008.5.1.4.1.1.7')
  expect(sc.string('x00080008')).toBe('DERIVED\\SECONDARY')
  expect(str(sc, 'x00080060')).toBe('OT')
  expect(str(sc, 'x00280301')).toBe('YES') // Burned In Annotation: the overlay's labels are in the pixels
  expect([sc.uint16('x00280002'), str(sc, 'x00280004'), sc.uint16('x00280010'), sc.uint16('x00280011')]).toEqual([3, 'RGB', height, width])
  expect(sc.elements.x7fe00010!.length).toBeGreaterThanOrEqual(width * height * 3)
}

function sourceImageRef(sc: DataSet): DataSet | undefined {
  return sc.elements.x00082112?.items?.[0]?.dataSet
}

describe('DICOM SC and the source study', () => {
  it('by default: de-identified, in a study of its own, no reference to the source', async () => {
    const { req, source } = await dicomRequest(syntheticCt(), 'ct.dcm')
    const { sc, scBytes, width, height } = await exported(req, 'default')
    expectScImage(sc, width, height)
    for (const k of ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyTime', 'AccessionNumber', 'StudyID'] as const) expect(str(sc, TAGS[k]), k).toBe('')
    for (const k of ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'] as const) expect(str(sc, TAGS[k]), k).not.toBe(str(source, TAGS[k]))
    expect(str(sc, 'x00120062')).toBe('YES') // Patient Identity Removed
    expect(sourceImageRef(sc)).toBeUndefined()
    const text = scBytes.toString('latin1')
    for (const v of [...Object.values(FAKE_PATIENT), STUDY.StudyInstanceUID, str(source, TAGS.SOPInstanceUID)]) expect(text).not.toContain(v)
  })

  it('opted in: the source\'s patient and study, new series and instance, the source image referenced; the PNG stays de-identified', async () => {
    const { req, source } = await dicomRequest(syntheticCt(), 'ct.dcm')
    const { sc, png, width, height } = await exported(req, 'filed', { fileToSourceStudy: true })
    expectScImage(sc, width, height)
    for (const k of ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyTime', 'AccessionNumber', 'StudyID', 'StudyInstanceUID'] as const) {
      expect(str(sc, TAGS[k]), k).toBe(str(source, TAGS[k]))
    }
    expect(str(sc, TAGS.PatientName)).toBe(FAKE_PATIENT.PatientName)
    for (const k of ['SeriesInstanceUID', 'SOPInstanceUID'] as const) expect(str(sc, TAGS[k]), k).not.toBe(str(source, TAGS[k]))
    expect(str(sc, 'x00120062')).toBe('NO')
    expect(sc.elements.x00120063).toBeUndefined() // no De-identification Method on an identified object
    const ref = sourceImageRef(sc)!
    expect([str(ref, 'x00081150'), str(ref, 'x00081155')]).toEqual([str(source, TAGS.SOPClassUID), str(source, TAGS.SOPInstanceUID)])
    expect(ref.elements.x00081160).toBeUndefined() // single frame: no frame number
    expect(str(ref.elements.x0040a170!.items![0]!.dataSet!, 'x00080100')).toBe('121322')
    // Our own texts in the SC (provenance, derivation) and every other format still carry no identifier.
    for (const tag of ['x00204000', 'x00082111']) for (const v of Object.values(FAKE_PATIENT)) expect(str(sc, tag)).not.toContain(v)
    for (const v of [...Object.values(FAKE_PATIENT), STUDY.StudyInstanceUID]) expect(png.toString('latin1')).not.toContain(v)
  })

  it('refused when it cannot mean what it says: not DICOM, no DICOM format, or with a linkage ID', async () => {
    const { req } = await dicomRequest(syntheticCt(), 'ct.dcm')
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isAppError(e) ? e.code : String(e)))
    const raster = { ...req, source: { kind: 'raster' as const, fileSha256: 'e'.repeat(64) } }
    expect(await codeOf(exportFigure(raster, { outDir: path.join(tmp.dir, 'r1'), formats: ['dicom'], fileToSourceStudy: true }))).toBe('export/invalid-request')
    expect(await codeOf(exportFigure(req, { outDir: path.join(tmp.dir, 'r2'), formats: ['png'], scales: [1], fileToSourceStudy: true }))).toBe('export/invalid-request')
    expect(await codeOf(exportFigure(req, { outDir: path.join(tmp.dir, 'r3'), formats: ['dicom'], fileToSourceStudy: true, keepLinkageId: true, linkageSalt: 'site-secret-1' }))).toBe('export/invalid-request')
    expect(existsSync(path.join(tmp.dir, 'r1')) || existsSync(path.join(tmp.dir, 'r2')) || existsSync(path.join(tmp.dir, 'r3'))).toBe(false)
  })

  const samples = existsSync(DICOM_DIR) ? '' : ` — skipped: shared DICOM samples not found at ${DICOM_DIR}`
  it.skipIf(samples !== '').each([['CT_small.dcm', null], ['SC_rgb_2frame.dcm', 1]] as const)(`shared sample %s${samples}: references the source study and image (frame %s)`, async (name, frame) => {
    const { req, source } = await dicomRequest(new Uint8Array(readFileSync(path.join(DICOM_DIR, name))), name)
    const plain = await exported(req, `${name}-plain`)
    expect(str(plain.sc, TAGS.StudyInstanceUID)).not.toBe(str(source, TAGS.StudyInstanceUID))
    expect(sourceImageRef(plain.sc)).toBeUndefined()
    const { sc, width, height } = await exported(req, `${name}-filed`, { fileToSourceStudy: true })
    expectScImage(sc, width, height)
    expect([str(sc, TAGS.StudyInstanceUID), str(sc, TAGS.PatientName), str(sc, TAGS.PatientID)]).toEqual([str(source, TAGS.StudyInstanceUID), str(source, TAGS.PatientName), str(source, TAGS.PatientID)])
    const ref = sourceImageRef(sc)!
    expect(str(ref, 'x00081155')).toBe(str(source, TAGS.SOPInstanceUID))
    expect(frame === null ? ref.elements.x00081160 : str(ref, 'x00081160')).toBe(frame === null ? undefined : String(frame))
  })
})
