/** Browser-bridge wire format (main/core/ui/wire.ts). */
import { describe, expect, it } from 'vitest'
import { decodeWire, encodeWire } from '@core/ui/wire'

describe('wire codec', () => {
  it('round-trips JSON with typed arrays at any nesting', () => {
    const value = {
      ok: true,
      value: {
        runId: 'r',
        rows: [[Float32Array.of(1, 2.5, -3), Float32Array.of(4)]],
        preview: Uint8Array.of(1, 2, 3, 255),
        ranks: Uint16Array.of(3, 1, 2),
        nested: { f64: Float64Array.of(Math.PI), i32: Int32Array.of(-7) },
        nothing: null,
      },
    }
    const back = decodeWire(encodeWire(value)) as typeof value
    expect(back.value.rows[0]![0]).toBeInstanceOf(Float32Array)
    expect(Array.from(back.value.rows[0]![0]!)).toEqual([1, 2.5, -3])
    expect(back.value.preview).toEqual(Uint8Array.of(1, 2, 3, 255))
    expect(back.value.ranks).toEqual(Uint16Array.of(3, 1, 2))
    expect(back.value.nested.f64[0]).toBe(Math.PI)
    expect(back.value.nested.i32[0]).toBe(-7)
    expect(back.value.nothing).toBeNull()
  })

  it('handles subarray views (offset into a larger buffer)', () => {
    const big = Float32Array.of(9, 9, 1, 2, 9)
    const back = decodeWire(encodeWire({ a: big.subarray(2, 4) })) as { a: Float32Array }
    expect(Array.from(back.a)).toEqual([1, 2])
  })

  it('rejects malformed input without reading out of bounds', () => {
    expect(() => decodeWire(new Uint8Array(2))).toThrow(/wire/)
    const bad = encodeWire({ a: Float32Array.of(1, 2) })
    expect(() => decodeWire(bad.subarray(0, bad.length - 4))).toThrow(/out of range/)
    const huge = new Uint8Array(8)
    new DataView(huge.buffer).setUint32(0, 0xffffffff, true)
    expect(() => decodeWire(huge)).toThrow(/header/)
  })
})
