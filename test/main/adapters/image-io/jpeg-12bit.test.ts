// @vitest-environment node
/**
 * 12-bit JPEG Extended (1.2.840.10008.1.2.4.51, SOF1 with sample precision 12) against DCMTK's dcmdjpeg.
 * The decoder is IJG libjpeg 6b built for 12 bits (WASM, from dcmjs-codecs), the library dcmdjpeg links,
 * so the tolerance is zero: any difference means the decoder changed and must be measured again.
 *
 * Measured (dcmjs-codecs 0.0.8 against DCMTK 3.6.7, stored values of all 262,144 pixels):
 *   JPEG-lossy.dcm   max |Δ| 0, mean |Δ| 0
 *   JPGExtended.dcm  max |Δ| 0, mean |Δ| 0
 * The other candidate, the pdf.js-derived JpegImage that cornerstone's decodeJPEGBaseline12Bit and daikon
 * ship, measured max 15 and mean 14.9 on the same files: its 12-bit path scales the 8-bit level shift
 * (2056 · 4095/255 instead of 2048 · 16 + 8), adding about +15 to every value. A lossy-codec tolerance that
 * swallowed that would hide a wrong decoder, so none is granted.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import dicomParser from 'dicom-parser'
import { afterAll, describe, expect, it } from 'vitest'
import { isImageIoError } from '../../../../main/adapters/image-io/errors'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { peekJpegHeader } from '../../../../main/adapters/image-io/dicom/codecs/codestream-header'
import type { LoadedScan } from '../../../../main/core/image/scan-types'
import { dxRadiograph } from '../../../fixtures/dicom-gen/cases'
import { SOP, makeDicom } from '../../../fixtures/dicom-gen/make-dicom'
import { cleanupScratch, dcmdumpTopLevel, dcmtkRawPixelData, dcmtkUncompressed, hasDcmtk, numbers, scratchDir, storedValuesFromRaw } from './dcmtk'
import { DICOM_DIR, NO_DATA_REASON, hasDicomSamples } from './shared-data'

afterAll(cleanupScratch)

const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51'

/** Largest and mean absolute difference of two equally long sample arrays. */
function differences(ours: ArrayLike<number>, ref: ArrayLike<number>): { max: number; mean: number } {
  expect(ours.length).toBe(ref.length)
  let max = 0
  let sum = 0
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs((ours[i] as number) - (ref[i] as number))
    if (d > max) max = d
    sum += d
  }
  return { max, mean: sum / ref.length }
}

const samples = (s: LoadedScan): ArrayLike<number> => (s.pixels.kind === 'gray' ? s.pixels.values : s.pixels.rgb)

/** The one frame's codestream of a single-frame encapsulated file. */
function codestreamOf(file: Uint8Array): Uint8Array {
  const ds = dicomParser.parseDicom(file)
  const el = ds.elements.x7fe00010
  if (!el?.fragments) throw new Error('no encapsulated pixel data')
  return new Uint8Array(dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, el.fragments.length))
}

function dcmtk(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`)
}

const noDcmtk = hasDcmtk() ? '' : 'DCMTK not installed'
const sampleSkip = !hasDicomSamples ? NO_DATA_REASON : noDcmtk

describe.skipIf(sampleSkip !== '')(`shared 12-bit JPEG Extended samples against dcmdjpeg${sampleSkip ? ` — ${sampleSkip}` : ''}`, () => {
  it.each(['JPEG-lossy.dcm', 'JPGExtended.dcm'])('%s: SOF1 precision 12, stored values equal DCMTK', async (f) => {
    const file = join(DICOM_DIR, f)
    const bytes = new Uint8Array(readFileSync(file))
    expect(peekJpegHeader(codestreamOf(bytes))).toMatchObject({ sof: 0xc1, precision: 12, width: 256, height: 1024 })
    const scan = await loadImageFile(bytes, { name: f })
    expect(scan.meta.transferSyntaxUid).toBe(JPEG_EXTENDED)
    const dir = scratchDir()
    const unc = dcmtkUncompressed(file, JPEG_EXTENDED, dir)
    expect(unc, 'dcmdjpeg decompressed the file').toBeDefined()
    const raw = dcmtkRawPixelData(unc as string, dir)
    expect(raw).toBeDefined()
    // No Modality LUT in these NM files: the loader's values are the stored values.
    const attrs = dcmdumpTopLevel(unc as string)
    expect([numbers(attrs.get('0028,1053')), numbers(attrs.get('0028,1052'))]).toEqual([[], []])
    const d = differences(samples(scan), storedValuesFromRaw(raw as Uint8Array, attrs, 0))
    console.info(`[jpeg-12bit] ${f} vs dcmdjpeg: max |Δ| ${d.max}, mean |Δ| ${d.mean.toFixed(4)} (stored values, 12-bit levels)`)
    expect(d).toEqual({ max: 0, mean: 0 })
    // A third decoder agrees: pydicom's pixel reference for JPGExtended.dcm has 244 at [420, 140] and 95 at [230, 120].
    expect([samples(scan)[420 * 256 + 140], samples(scan)[230 * 256 + 120]]).toEqual([244, 95])
  })
})

/** Synthetic 12-bit RGB (Bits Allocated 16), a pattern with sharp edges in every channel. */
function rgb12(): Uint8Array {
  const rows = 30
  const columns = 37
  const pixels = Uint16Array.from({ length: rows * columns * 3 }, (_, i) => {
    const p = Math.floor(i / 3)
    return ((p % columns) * 97 + Math.floor(p / columns) * 53 + (i % 3) * 1200) % 4096
  })
  return makeDicom({
    sopClassUid: SOP.sc, rows, columns, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0, photometric: 'RGB',
    samplesPerPixel: 3, pixels, attributes: { Modality: 'OT' },
  })
}

/** [label, source file, extra dcmcjpeg options, photometric DCMTK writes]. */
const ENCODED: readonly (readonly [string, () => Uint8Array, readonly string[], string])[] = [
  ['DX radiograph, 12 bits stored', () => dxRadiograph().bytes, [], 'MONOCHROME2'],
  ['RGB 12-bit, converted to YCbCr', rgb12, [], 'YBR_FULL_422'],
  ['RGB 12-bit, kept as RGB', rgb12, ['+cr'], 'RGB'],
]

/** dcmcjpeg +ee (JPEG Extended, 12-bit for Bits Stored 12) of `source`, and dcmdjpeg's decompression of that. */
function encodeWithDcmtk(source: Uint8Array, options: readonly string[]): { encoded: Uint8Array; decoded: Uint8Array } {
  const dir = scratchDir()
  const [src, enc, dec] = ['src.dcm', 'jpeg.dcm', 'dec.dcm'].map((n) => join(dir, n)) as [string, string, string]
  writeFileSync(src, source)
  dcmtk('dcmcjpeg', ['+ee', ...options, src, enc])
  dcmtk('dcmdjpeg', [enc, dec])
  return { encoded: new Uint8Array(readFileSync(enc)), decoded: new Uint8Array(readFileSync(dec)) }
}

describe.skipIf(noDcmtk !== '')(`generated 12-bit JPEG (dcmcjpeg +ee) against dcmdjpeg${noDcmtk ? ` — ${noDcmtk}` : ''}`, () => {
  it.each(ENCODED)('%s decodes as dcmdjpeg does', async (_label, source, options, photometric) => {
    const { encoded, decoded } = encodeWithDcmtk(source(), options)
    expect(peekJpegHeader(codestreamOf(encoded))).toMatchObject({ sof: 0xc1, precision: 12 })
    const ours = await loadImageFile(encoded)
    const ref = await loadImageFile(decoded)
    expect([ours.meta.transferSyntaxUid, ours.photometric]).toEqual([JPEG_EXTENDED, photometric])
    expect(differences(samples(ours), samples(ref))).toEqual({ max: 0, mean: 0 })
  })

  it('a truncated 12-bit codestream is refused as truncated pixel data; a corrupt one as a decode failure, and the decoder recovers', async () => {
    const { encoded } = encodeWithDcmtk(dxRadiograph().bytes, [])
    const stream = codestreamOf(encoded)
    const wrap = (pixels: Uint8Array): Uint8Array => makeDicom({
      sopClassUid: SOP.dx, rows: 48, columns: 40, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0,
      photometric: 'MONOCHROME2', pixels, attributes: { Modality: 'DX' }, transferSyntaxUid: JPEG_EXTENDED as unknown as '1.2.840.10008.1.2.1',
    })
    const failure = (bytes: Uint8Array): Promise<unknown> => loadImageFile(bytes).then(() => 'loaded', (e: unknown) => e)
    for (const cut of [Math.floor(stream.length / 2), stream.length - 2]) {
      const err = await failure(wrap(stream.subarray(0, cut)))
      expect(isImageIoError(err) && [err.code, err.detail.reason]).toEqual(['image/dicom-truncated-pixel-data', '12-bit JPEG codestream ends before its EOI marker'])
    }
    // An unknown marker (FF 24) after SOI: IJG stops with an error, which must come back coded, not crash the worker.
    const corrupt = Uint8Array.from([...stream.subarray(0, 2), 0xff, 0x24, 0x00, 0x04, 0x00, 0x00, ...stream.subarray(2)])
    const err = await failure(wrap(corrupt))
    expect(isImageIoError(err) && err.code).toBe('image/dicom-decode-failed')
    expect(samples(await loadImageFile(wrap(stream))).length).toBe(48 * 40)
  })
})
