// @vitest-environment node
/**
 * Memory budget of the loaders (issue 16, build 3; peaks measured by test/bench/input-memory.ts and
 * summarised in docs/ROBUSTNESS.md): what each loader holds for an input at or over its limits.
 */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { MAX_DECODED_RASTER_PIXELS, MAX_FILE_BYTES } from '../../../../main/adapters/image-io/limits'
import { runCli } from '../../../../main/cli/index'
import { writeLargeDicom } from '../../../fixtures/dicom-gen/large-dicom'
import { writeLargeNifti } from '../../../fixtures/nifti-gen/large-nifti'
import { codeOf } from '../../../helpers/errors'
import { cleanup, tempDir } from '../onnx/fixtures/temp'
import { writeSyntheticModel } from '../onnx/fixtures/synthetic-model'

describe('raster memory budget', () => {
  it('down-samples a raster over the decode budget while decoding, keeping its aspect and saying so', async () => {
    const png = await sharp({ create: { width: 6000, height: 5000, channels: 3, background: { r: 200, g: 30, b: 90 } } }).png().toBuffer()
    const scan = await loadImageFile(new Uint8Array(png), { name: 'wide.png' })
    expect(scan.width * scan.height).toBeLessThanOrEqual(MAX_DECODED_RASTER_PIXELS)
    expect(scan.width / scan.height).toBeCloseTo(6000 / 5000, 2)
    expect(scan.meta.downsampledFrom).toBe('6000×5000')
    expect(scan.pixels.kind === 'rgb' ? Array.from(scan.pixels.rgb.subarray(0, 3)) : []).toEqual([200, 30, 90])
  })

  it('keeps a raster within the budget at full resolution', async () => {
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer()
    const scan = await loadImageFile(new Uint8Array(png), { name: 'small.png' })
    expect([scan.width, scan.height, scan.meta.downsampledFrom]).toEqual([640, 480, undefined])
  })
})

describe('medical and compressed inputs', () => {
  const dir = tempDir()
  afterAll(cleanup)

  it('refuses a DICOM frame over 50 megapixels (a 100 MP 16-bit frame peaked at 1.68 GB)', async () => {
    const path = join(dir, 'frame.dcm')
    await writeLargeDicom(path, { rows: 7100, columns: 7100, frames: 1, bitsAllocated: 8 })
    expect(await codeOf(loadImageFile(new Uint8Array(readFileSync(path)), { name: 'frame.dcm' }))).toBe('image/too-large')
  })

  it('refuses a deflated DICOM data set inflating past 128 MB (1 GB inflated peaked at 3.37 GB)', async () => {
    const path = join(dir, 'deflated.dcm')
    await writeLargeDicom(path, { rows: 5000, columns: 5000, frames: 6, bitsAllocated: 8, deflated: true })
    expect(await codeOf(loadImageFile(new Uint8Array(readFileSync(path)), { name: 'deflated.dcm' }))).toBe('image/too-large')
  })

  it('refuses gzip content past 512 MB, and the CLI refuses a file over 512 MB before reading it', async () => {
    const gz = join(dir, 'bomb.nii.gz')
    await writeLargeNifti(gz, [1024, 1024, 300], true)
    expect(await codeOf(loadImageFile(new Uint8Array(readFileSync(gz)), { name: 'bomb.nii.gz' }))).toBe('image/too-large')
    const models = tempDir()
    writeSyntheticModel(models, { id: 'syn', isDefault: true })
    const sparse = join(dir, 'huge.nii')
    writeFileSync(sparse, '')
    truncateSync(sparse, MAX_FILE_BYTES + 1)
    let out = ''
    const sink = { write: (s: string): boolean => { out += s; return true } }
    const code = await runCli(['--models-dir', models, 'explain', sparse, '--out', join(dir, 'out'), '--json'], { stdout: sink, stderr: { write: () => true } })
    expect(code).toBe(3)
    expect((JSON.parse(out) as { code: string }[])[0]?.code).toBe('image/too-large')
  })
})
