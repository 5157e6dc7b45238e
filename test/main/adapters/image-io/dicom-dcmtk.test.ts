// @vitest-environment node
/**
 * Cross-check against DCMTK (independent C++ decoders): stored values bit-identical for lossless syntaxes,
 * within codec tolerance for lossy ones; the 8-bit rendition identical to dcm2pnm with the same window;
 * frame counts and window values equal to what dcmdump reads. JPEG 2000 is checked against the
 * uncompressed twin of the same image instead (DCMTK has no JPEG 2000 decoder).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { renderDisplay } from '../../../../main/core/image/display'
import type { LoadedScan } from '../../../../main/core/image/scan-types'
import { dcm2pnm, dcmdumpTopLevel, dcmtkRawPixelData, dcmtkUncompressed, hasDcmtk, numbers, cleanupScratch, scratchDir, storedValuesFromRaw } from './dcmtk'
import { SAMPLE_EXPECTATIONS } from './sample-expectations'
import { DICOM_DIR, NO_DATA_REASON, hasDicomSamples } from './shared-data'

afterAll(cleanupScratch)

/** Files DCMTK 3.6.7 itself cannot decode, with its message; checked for plausibility instead. */
const DCMTK_FAILS: Readonly<Record<string, string>> = {
  'JLSL_08_07_0_1F.dcm': 'dcmdjpls: "Invalid compressed image data" (7-bit JPEG-LS)',
}

const LOSSY = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.91'])
const renderable = Object.entries(SAMPLE_EXPECTATIONS).filter(([, e]) => 'render' in e).map(([f]) => f)
const cache = new Map<string, Promise<LoadedScan>>()
const load = (f: string, frame = 0): Promise<LoadedScan> => {
  const key = `${f}#${frame}`
  if (!cache.has(key)) cache.set(key, loadImageFile(new Uint8Array(readFileSync(path.join(DICOM_DIR, f))), { name: f, frame }))
  return cache.get(key) as Promise<LoadedScan>
}

/** Largest absolute difference between two sample arrays (channels of `ours` may be 3 while `ref` has 1). */
function maxDiff(ours: Uint8Array, ref: Uint8Array, refChannels: number): number {
  let max = 0
  for (let i = 0; i < ref.length / refChannels; i++) {
    for (let c = 0; c < refChannels; c++) max = Math.max(max, Math.abs((ours[i * 3 + c] as number) - (ref[i * refChannels + c] as number)))
  }
  return max
}

const skipReason = !hasDicomSamples ? NO_DATA_REASON : !hasDcmtk() ? 'DCMTK (dcm2pnm, dcmdump) not installed; cross-check skipped' : ''

describe.skipIf(skipReason !== '')(`DCMTK cross-check${skipReason ? ` — ${skipReason}` : ''}`, () => {
  it.each(renderable)('%s matches DCMTK', async (f) => {
    const file = path.join(DICOM_DIR, f)
    const scan = await load(f)
    const uid = String(scan.meta.transferSyntaxUid)
    const dir = scratchDir()
    const unc = dcmtkUncompressed(file, uid, dir)
    if (!unc) {
      if (f in DCMTK_FAILS) {
        // No reference: the values must at least fit Bits Stored (7 bits → 0…127) and use most of that range.
        expect(scan.pixels.kind === 'gray' && [scan.pixels.min >= 0, scan.pixels.max <= 127, scan.pixels.max > 100]).toEqual([true, true, true])
        return
      }
      // Otherwise only JPEG 2000 / HTJ2K may lack a DCMTK decode; those are covered by the twin test below.
      expect(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.201']).toContain(uid)
      return
    }
    const attrs = dcmdumpTopLevel(unc)
    // Frame count and file windows as dcmdump reads them (top level; Enhanced objects have none there).
    expect(scan.frame.count).toBe(numbers(attrs.get('0028,0008'))[0] ?? 1)
    const centers = numbers(attrs.get('0028,1050'))
    const widths = numbers(attrs.get('0028,1051'))
    const fileWindows = scan.presets.flatMap((p) => (p.source === 'file' && p.kind === 'window' ? [p.window] : []))
    if (centers.length) expect(fileWindows).toEqual(centers.map((center, i) => ({ center, width: widths[i] })))
    const frames = scan.frame.count > 1 ? [0, scan.frame.count - 1] : [0]
    for (const frame of frames) {
      const s = await load(f, frame)
      const tolerance = LOSSY.has(uid) ? 2 : 0
      if (s.pixels.kind === 'gray' && !attrs.has('0028,3000')) {
        const raw = dcmtkRawPixelData(unc, dir)
        expect(raw).toBeDefined()
        const stored = storedValuesFromRaw(raw as Uint8Array, attrs, frame)
        // Rescale as the file defines it: top level, Enhanced functional groups (eCT), or RT Dose Grid Scaling.
        const slope = s.modality === 'RTDOSE' ? Number(s.meta.rescaleSlope) : numbers(attrs.get('0028,1053'))[0] ?? Number(s.meta.rescaleSlope)
        const intercept = numbers(attrs.get('0028,1052'))[0] ?? Number(s.meta.rescaleIntercept)
        let worst = 0
        stored.forEach((v, i) => { worst = Math.max(worst, Math.abs(Math.fround(v * slope + intercept) - (s.pixels.kind === 'gray' ? (s.pixels.values[i] as number) : 0))) })
        expect(worst).toBeLessThanOrEqual(tolerance)
      }
      if (s.modality === 'RTDOSE') continue // dcm2pnm refuses windows narrower than 1 Gy; values checked above
      const voi = s.pixels.kind === 'rgb' ? [] : s.defaultPresetId.startsWith('file-window') && centers.length ? ['+Wi', '1']
        : s.defaultPresetId.startsWith('file-lut') ? ['+Wl', '1'] : ['+Ww', String(s.defaultWindow.center), String(s.defaultWindow.width)]
      const pnm = dcm2pnm(unc, frame, voi, dir)
      if (f === 'eCT_Supplemental.dcm') continue // DCMTK 3.6.7 ignores Enhanced functional-group rescale; values checked above
      expect(pnm, `dcm2pnm rendered ${f}`).toBeDefined()
      if (!pnm) continue
      expect([pnm.width, pnm.height]).toEqual([s.width, s.height])
      // Allowed differences, all documented: DCMTK truncates non-integer rescaled values to integers before
      // windowing (MR2: slope 3.77), and its YBR→RGB uses 127.5 instead of PS3.3's 128 as chroma offset.
      const nonIntegerRescale = !Number.isInteger(Number(s.meta.rescaleSlope)) || !Number.isInteger(Number(s.meta.rescaleIntercept))
      const ybrConversion = s.pixels.kind === 'rgb' && s.photometric.startsWith('YBR_FULL') && !uid.startsWith('1.2.840.10008.1.2.4.5')
      const allowed = Math.max(tolerance, nonIntegerRescale || ybrConversion ? 1 : 0)
      expect(maxDiff(renderDisplay(s).data, pnm.data, pnm.channels)).toBeLessThanOrEqual(allowed)
    }
  })
})

/** Lossless JPEG 2000 files and their uncompressed twins (same image, same attributes). */
const TWINS: readonly [string, string][] = [
  ['693_J2KR.dcm', '693_UNCR.dcm'], ['MR2_J2KR.dcm', 'MR2_UNCR.dcm'], ['US1_J2KR.dcm', 'US1_UNCR.dcm'],
  ['MR_small_jp2klossless.dcm', 'MR_small.dcm'], ['emri_small_jpeg_2k_lossless.dcm', 'emri_small.dcm'],
  ['MR_small_RLE.dcm', 'MR_small.dcm'], ['MR_small_jpeg_ls_lossless.dcm', 'MR_small.dcm'], ['MR_small_bigendian.dcm', 'MR_small.dcm'],
  ['MR_small_implicit.dcm', 'MR_small.dcm'], ['emri_small_jpeg_ls_lossless.dcm', 'emri_small.dcm'],
]

describe.skipIf(!hasDicomSamples)(`JPEG 2000 (and other encodings) against their uncompressed twins${hasDicomSamples ? '' : ` — ${NO_DATA_REASON}`}`, () => {
  it.each(TWINS)('%s decodes identical to %s', async (compressed, plain) => {
    const a = await load(compressed)
    const b = await load(plain)
    expect([a.width, a.height, a.frame.count]).toEqual([b.width, b.height, b.frame.count])
    for (const frame of a.frame.count > 1 ? [0, a.frame.count - 1] : [0]) {
      const x = await load(compressed, frame)
      const y = await load(plain, frame)
      const [p, q] = x.pixels.kind === 'gray' && y.pixels.kind === 'gray' ? [x.pixels.values, y.pixels.values]
        : x.pixels.kind === 'rgb' && y.pixels.kind === 'rgb' ? [x.pixels.rgb, y.pixels.rgb] : [undefined, undefined]
      if (!p || !q) throw new Error('pixel kinds differ')
      // Counted by hand: toEqual on megapixel typed arrays takes seconds.
      let differing = p.length === q.length ? 0 : -1
      for (let i = 0; i < p.length && differing >= 0; i++) if (p[i] !== q[i]) differing++
      expect(differing).toBe(0)
    }
  })
})
