// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { normalizeRgb8ToChw } from '../../../../main/core/preprocess/normalize'
import { prepareModelInput, type InputSpec } from '../../../../main/adapters/preprocess/model-input'

const spec = (resize: InputSpec['resize']): InputSpec => ({ width: 32, height: 32, resize, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] })

/** 64×48 image: column x has value 4x in red (a horizontal ramp), green 0, blue 255. */
function ramp(): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(64 * 48 * 3)
  for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) data.set([x * 4, 0, 255], (y * 64 + x) * 3)
  return { width: 64, height: 48, data }
}

describe('prepareModelInput', () => {
  it('centre-crops after resizing the shorter side and reports the crop in original pixels', async () => {
    const r = await prepareModelInput(ramp(), spec('resize-shorter-center-crop'))
    // 64×48 → 42×32 (int(32·64/48) = 42), left = round(5) = 5 → original x = 5·64/42
    expect(r.transform.crop.x).toBeCloseTo((5 * 64) / 42, 6)
    expect(r.transform.crop.width).toBeCloseTo((32 * 64) / 42, 6)
    expect(r.transform).toMatchObject({ originalWidth: 64, originalHeight: 48, modelWidth: 32, modelHeight: 32, resize: 'resize-shorter-center-crop' })
    expect(r.preview).toHaveLength(32 * 32 * 3)
    // The ramp is cropped: the first column is not black and the red channel increases left → right.
    expect(r.preview[0]!).toBeGreaterThan(20)
    expect(r.preview[31 * 3]!).toBeGreaterThan(r.preview[0]!)
  })

  it('stretch keeps the whole image', async () => {
    const r = await prepareModelInput(ramp(), spec('stretch'))
    expect(r.transform.crop).toEqual({ x: 0, y: 0, width: 64, height: 48 })
    expect(r.preview[0]!).toBeLessThan(10)
  })

  it('returns the normalised preview as the tensor', async () => {
    const r = await prepareModelInput(ramp(), spec('resize-256-center-crop'))
    expect(Array.from(r.tensor)).toEqual(Array.from(normalizeRgb8ToChw(r.preview, 32, 32, spec('stretch'))))
  })

  it('rejects inconsistent pixel buffers and oversize images', async () => {
    const bad = await prepareModelInput({ width: 4, height: 4, data: new Uint8Array(10) }, spec('stretch')).catch((e: unknown) => e)
    expect(isAppError(bad) && bad.code).toBe('image/decode-failed')
    const big = await prepareModelInput(ramp(), spec('stretch'), 100).catch((e: unknown) => e)
    expect(isAppError(big) && big.code).toBe('image/too-large')
  })
})
