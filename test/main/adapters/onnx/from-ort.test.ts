// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { fromOrt, ownedF32 } from '../../../../main/adapters/onnx/from-ort'

const code = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return isAppError(e) ? e.code : 'not-app-error'
  }
  return undefined
}

describe('fromOrt', () => {
  it('converts float32 with the expected dims without copying', () => {
    const data = new Float32Array(6)
    const t = fromOrt('x', { type: 'float32', dims: [2, 3], data }, [2, 3])
    expect(t.shape).toEqual([2, 3])
    expect(t.data).toBe(data)
  })

  it('rejects other dtypes and wrong dims', () => {
    expect(code(() => fromOrt('x', { type: 'float16', dims: [2], data: new Uint16Array(2) }))).toBe('model/manifest-mismatch')
    expect(code(() => fromOrt('x', { type: 'float32', dims: [3, 2], data: new Float32Array(6) }, [2, 3]))).toBe('model/output-shape')
  })
})

describe('ownedF32', () => {
  it('copies views of larger buffers and keeps whole-buffer arrays', () => {
    const whole = new Float32Array(4)
    expect(ownedF32(whole)).toBe(whole)
    const view = new Float32Array(new ArrayBuffer(64), 16, 4)
    const owned = ownedF32(view)
    expect(owned).not.toBe(view)
    expect(owned.buffer.byteLength).toBe(16)
  })
})
