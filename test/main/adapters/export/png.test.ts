// @vitest-environment node
/** PNG encoder: our CRC-32 and iTXt chunks, read back by sharp and by a chunk walker that uses node:zlib. */
import { randomBytes } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { crc32, encodePngWithText, insertAfterIhdr, itxtChunk, pngChunk } from '../../../../main/adapters/export/png'
import { picture } from '../../core/export/fixture'
import { pngChunks, pngItxt } from './readers'

describe('CRC-32', () => {
  it('matches zlib on the PNG spec check value and random data', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    for (let i = 0; i < 20; i++) {
      const bytes = randomBytes(1 + i * 97)
      expect(crc32(bytes)).toBe(zlibCrc32(bytes))
    }
    const a = randomBytes(50)
    const b = randomBytes(70)
    expect(crc32(a, b)).toBe(zlibCrc32(Buffer.concat([a, b])))
  })
})

describe('iTXt chunks', () => {
  it('have the layout of PNG §11.3.4.5: keyword NUL flag method lang NUL translated NUL text', () => {
    const c = itxtChunk('mamba-lens:provenance', '{"a":"ü"}')
    const len = new DataView(c.buffer).getUint32(0)
    expect(String.fromCharCode(...c.subarray(4, 8))).toBe('iTXt')
    const data = c.subarray(8, 8 + len)
    const k = 'mamba-lens:provenance'.length
    expect(String.fromCharCode(...data.subarray(0, k))).toBe('mamba-lens:provenance')
    expect([...data.subarray(k, k + 5)]).toEqual([0, 0, 0, 0, 0])
    expect(new TextDecoder().decode(data.subarray(k + 5))).toBe('{"a":"ü"}')
  })

  it('refuses keywords PNG does not allow', () => {
    for (const bad of ['', ' lead', 'trail ', 'two  spaces', 'x'.repeat(80), 'tab\tkey']) expect(() => itxtChunk(bad, 'v')).toThrow(RangeError)
    expect(() => pngChunk('ab', new Uint8Array())).toThrow(RangeError)
    expect(() => insertAfterIhdr(new Uint8Array(40), [])).toThrow('not a PNG')
  })

  it('a PNG with text decodes in sharp with unchanged pixels; every CRC verifies; text round-trips in UTF-8', async () => {
    const img = picture(37, 23)
    const text = { Title: 'Pékinois — dog', 'mamba-lens:provenance': '{"k":"日本"}' }
    const png = await encodePngWithText(img, text)
    const chunks = pngChunks(png)
    expect(chunks.every((c) => c.crcOk)).toBe(true)
    expect(chunks[0]!.type).toBe('IHDR')
    expect(chunks[1]!.type).toBe('iTXt')
    expect(Object.fromEntries(pngItxt(png))).toEqual(text)
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([37, 23, 3])
    expect(Buffer.compare(data, Buffer.from(img.data))).toBe(0)
    const meta = await sharp(png).metadata()
    // libvips reads PNG text chunks as "comments"; this is a second, independent reader.
    expect(meta.comments?.find((c) => c.keyword === 'mamba-lens:provenance')?.text).toBe('{"k":"日本"}')
  })
})
