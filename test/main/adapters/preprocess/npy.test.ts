// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { encodeNpy, parseNpy } from '../../../../main/adapters/preprocess/npy'

describe('npy', () => {
  it('round-trips float32 arrays', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 3)
    const back = parseNpy(encodeNpy(data, [1, 3, 2, 4]))
    expect(back.shape).toEqual([1, 3, 2, 4])
    expect(Array.from(back.data)).toEqual(Array.from(data))
    expect(parseNpy(encodeNpy(new Float32Array([1, 2]), [2])).shape).toEqual([2])
  })

  it('refuses other dtypes, garbage and truncation', () => {
    const ok = encodeNpy(new Float32Array(4), [4])
    const f64 = new TextDecoder('latin1').decode(ok).replace("'<f4'", "'<f8'")
    const cases = [new Uint8Array([1, 2, 3]), ok.subarray(0, ok.length - 4), Uint8Array.from(f64, (c) => c.charCodeAt(0))]
    for (const bytes of cases) {
      let code: string | undefined
      try {
        parseNpy(bytes)
      } catch (e) {
        code = isAppError(e) ? e.code : 'other'
      }
      expect(code).toBe('image/decode-failed')
    }
  })
})
