// @vitest-environment node
/** Loader choice by content first, extension second; gzip; abort; unknown input. */
import { gzipSync } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { ImageIoError, isImageIoError } from '../../../../main/adapters/image-io/errors'
import { isAppError, messageFor } from '../../../../main/core/errors'
import { IMAGE_LOADERS, loadImageFile, pickLoader } from '../../../../main/adapters/image-io/registry'
import { multiFrame8, signedCtRescale } from '../../../fixtures/dicom-gen/cases'
import { codeOf } from '../../../helpers/errors'

describe('pickLoader', () => {
  it('has one loader per kind, in the documented order', () => {
    expect(IMAGE_LOADERS.map((l) => l.id)).toEqual(['dicom', 'nifti', 'raster'])
  })

  it('magic bytes beat a misleading extension', async () => {
    const png = new Uint8Array(await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer())
    expect(pickLoader({ name: 'scan.dcm', head: png })?.id).toBe('raster')
    expect(pickLoader({ name: 'photo.png', head: signedCtRescale().bytes.subarray(0, 1024) })?.id).toBe('dicom')
  })

  it('a DICOM preamble that looks like TIFF still loads as DICOM', async () => {
    const bytes = signedCtRescale().bytes.slice()
    bytes.set([0x49, 0x49, 0x2a, 0x00], 0) // "II*\0" in the 128-byte preamble (dual-personality files)
    expect(pickLoader({ name: 'x.tif', head: bytes })?.id).toBe('dicom')
    expect((await loadImageFile(bytes, { name: 'x.tif' })).kind).toBe('dicom')
  })

  it('falls back to the extension when no signature matches', () => {
    expect(pickLoader({ name: 'volume.nii', head: new Uint8Array(400) })?.id).toBe('nifti')
    expect(pickLoader({ name: 'notes.txt', head: new TextEncoder().encode('hello') })).toBeUndefined()
  })
})

describe('loadImageFile', () => {
  it('unknown content is image/unsupported-format with user text', async () => {
    expect(await codeOf(loadImageFile(Uint8Array.from([0, 1, 2, 255, 254, 7, 8, 9]), { name: 'a.bin' }))).toBe('image/unsupported-format')
    expect(messageFor('image/unsupported-format')).toMatch(/not an image/)
  })

  it('inflates gzip input and probes the content (gzipped DICOM)', async () => {
    const scan = await loadImageFile(new Uint8Array(gzipSync(multiFrame8().bytes)), { name: 'series.dcm.gz', frame: 1 })
    expect([scan.kind, scan.frame.index]).toEqual(['dicom', 1])
  })

  it('a damaged gzip stream is a clear error', async () => {
    const gz = new Uint8Array(gzipSync(new Uint8Array(5000)))
    expect(await codeOf(loadImageFile(gz.subarray(0, 30)))).toBe('image/unsupported-format')
  })

  it('an aborted signal stops the load with run/cancelled', async () => {
    const ctl = new AbortController()
    ctl.abort()
    expect(await codeOf(loadImageFile(signedCtRescale().bytes, { signal: ctl.signal }))).toBe('run/cancelled')
  })

  it('error messages fill only safe detail keys', () => {
    const text = messageFor('image/dicom-unsupported-transfer-syntax', { transferSyntax: 'JPEG XL', PatientName: 'Doe^Jane' })
    expect(text).toContain('JPEG XL')
    expect(text).not.toContain('Doe')
    // A placeholder whose key is not on the allow-list is never filled, whatever the detail holds.
    expect(messageFor('image/dicom-unsupported-pixel-format', { reasons: 'Doe^Jane' })).toContain('(unknown)')
  })
})

describe('ImageIoError is an AppError', () => {
  it('carries an image/* code of the core table and its sentence, filled from safe detail keys', async () => {
    const err = await loadImageFile(Uint8Array.from([0, 1, 2]), { name: 'a.bin' }).then(() => undefined, (e: unknown) => e)
    expect(isAppError(err)).toBe(true)
    expect(isImageIoError(err) && [err.code, err.message]).toEqual(['image/unsupported-format', messageFor('image/unsupported-format')])
    const frame = new ImageIoError('image/frame-out-of-range', { detail: { frame: 4, frameCount: 2 } })
    expect([frame.code, frame.message]).toEqual(['image/frame-out-of-range', 'Frame 4 does not exist; this file has 2 frame(s). Pick a frame from the list.'])
  })
})

describe('what a file that is no image is, in words', () => {
  it('an empty file says it is empty; a text file renamed .png says it is text', async () => {
    expect(await codeOf(loadImageFile(new Uint8Array(0), { name: 'scan.png' }))).toBe('image/empty-file')
    expect(messageFor('image/empty-file')).toMatch(/^The file is empty/)
    expect(await codeOf(loadImageFile(new TextEncoder().encode('Patient notes\r\nline two – ünïcode\n'), { name: 'photo.png' }))).toBe('image/text-file')
    expect(messageFor('image/text-file')).toMatch(/^This is a text file/)
    // Binary junk behind a PNG extension is still a damaged image, not text.
    const junk = Uint8Array.from({ length: 512 }, (_, i) => (i * 37 + 3) % 256)
    expect(await codeOf(loadImageFile(junk, { name: 'photo.png' }))).toBe('image/decode-failed')
  })
})
