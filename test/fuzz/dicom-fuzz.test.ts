// @vitest-environment node
/**
 * Fuzzing: a few hundred mutated DICOM files (truncated, wrong lengths, huge dimensions, bad bit depths,
 * missing pixel data, scrambled codestreams). Each must either load or fail with a coded ImageIoError —
 * never another exception, never a crash — and each must finish within 5 s.
 * Seeds: generated files, plus small shared samples covering every codec when ../shared/data is present.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isImageIoError } from '../../main/adapters/image-io/errors'
import { loadImageFile } from '../../main/adapters/image-io/registry'
import { isAppError, messages } from '../../main/core/errors'
import { renderDisplay } from '../../main/core/image/display'
import { dxRadiograph, mono1Window16, multiFrame8, signedCtRescale } from '../fixtures/dicom-gen/cases'
import { DICOM_DIR, hasDicomSamples } from '../main/adapters/image-io/shared-data'
import { MUTATORS, prng } from './mutate'

/** Small samples, one per codec / layout, so each decoder sees hostile input. */
const SAMPLE_SEEDS = [
  'MR_small_RLE.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'MR_small_jp2klossless.dcm', 'SC_rgb_jpeg_dcmtk.dcm',
  'SC_rgb_rle.dcm', 'image_dfl.dcm', 'JPEGLSNearLossless_16.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm',
  'emri_small_jpeg_2k_lossless.dcm', 'rtdose.dcm', 'JLSL_RGB_ILV0.dcm', 'ExplVR_BigEnd.dcm', 'SC_ybr_full_422_uncompressed.dcm',
  'JPGExtended.dcm',
]

const seeds: [string, Uint8Array][] = [
  ['gen-ct', signedCtRescale().bytes], ['gen-dx', dxRadiograph().bytes], ['gen-mono1', mono1Window16().bytes], ['gen-multiframe', multiFrame8().bytes],
  ...(hasDicomSamples ? SAMPLE_SEEDS.map((f) => [f, new Uint8Array(readFileSync(path.join(DICOM_DIR, f)))] as [string, Uint8Array]) : []),
]

const PER_SEED_AND_MUTATOR = Number(process.env.FUZZ_PER_CASE ?? (hasDicomSamples ? 3 : 8))
const LIMIT_MS = 5000

describe('DICOM fuzzing', () => {
  const cases = seeds.flatMap(([name, bytes], s) => Object.entries(MUTATORS).flatMap(([mut, fn], m) =>
    Array.from({ length: PER_SEED_AND_MUTATOR }, (_, k) => ({ label: `${name} ${mut} #${k}`, bytes: fn(bytes, prng(1000 * s + 100 * m + k)) }))))

  it(`${cases.length} mutated files: each loads or fails with a coded error, within ${LIMIT_MS} ms`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200)
    const outcomes = new Map<string, number>()
    const problems: string[] = []
    for (const c of cases) {
      const started = performance.now()
      try {
        const scan = await loadImageFile(c.bytes, { name: 'fuzz.dcm' })
        renderDisplay(scan) // what loads must also render
        outcomes.set('loaded', (outcomes.get('loaded') ?? 0) + 1)
      } catch (e) {
        if (isImageIoError(e) && isAppError(e) && e.code in messages && e.message.length > 20) outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1)
        else problems.push(`${c.label}: uncoded ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
      }
      const ms = performance.now() - started
      if (ms > LIMIT_MS) problems.push(`${c.label}: took ${Math.round(ms)} ms`)
    }
    expect(problems).toEqual([])
    // The mutators must actually reach the error paths, not only produce loadable files.
    expect([...outcomes.keys()].filter((k) => k !== 'loaded').length).toBeGreaterThanOrEqual(5)
  }, 120_000)
})
