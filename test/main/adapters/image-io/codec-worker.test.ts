// @vitest-environment node
/** The codec worker: a codestream that makes CharLS spin is stopped by the deadline; abort stops a decode. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isImageIoError } from '../../../../main/adapters/image-io/errors'
import { isAppError } from '../../../../main/core/errors'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { decodeDeadlineMs } from '../../../../main/adapters/image-io/dicom/codecs/codec-worker'
import { MUTATORS, prng } from '../../../fuzz/mutate'
import { DICOM_DIR, NO_DATA_REASON, hasDicomSamples } from './shared-data'

describe('decode deadline', () => {
  it('grows with the frame size', () => {
    expect(decodeDeadlineMs(500)).toBe(1501)
    expect(decodeDeadlineMs(20_000_000)).toBe(41_500)
  })
})

describe.skipIf(!hasDicomSamples)(`codec worker on real codestreams${hasDicomSamples ? '' : ` — ${NO_DATA_REASON}`}`, () => {
  it('a JPEG-LS stream on which CharLS spins (found by fuzzing, seed 10815) fails as decode error within 5 s', async () => {
    const src = new Uint8Array(readFileSync(path.join(DICOM_DIR, 'JPEGLSNearLossless_16.dcm')))
    const insertJunk = MUTATORS.insertJunk
    if (!insertJunk) throw new Error('mutator missing')
    const started = performance.now()
    const err = await loadImageFile(insertJunk(src, prng(10815))).then(() => undefined, (e: unknown) => e)
    expect(performance.now() - started).toBeLessThan(5000)
    expect(isImageIoError(err) && err.code).toBe('image/dicom-decode-failed')
    // The worker was replaced: the next decode still works.
    const ok = await loadImageFile(src)
    expect(ok.width).toBe(10)
  })

  it('aborting during a slow JPEG 2000 decode rejects with run/cancelled', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(DICOM_DIR, 'RG1_J2KI.dcm')))
    const ctl = new AbortController()
    const p = loadImageFile(bytes, { signal: ctl.signal })
    setTimeout(() => ctl.abort(), 20)
    const err = await p.then(() => undefined, (e: unknown) => e)
    expect(isAppError(err) && err.code).toBe('run/cancelled')
    expect((await loadImageFile(bytes)).width).toBe(1841)
  })
})
