// @vitest-environment node
/**
 * Round trips for what neither the shared samples nor DCMTK can check: HTJ2K values (DCMTK has no HTJ2K
 * codec and the one HTJ2K sample has no uncompressed twin), for signed CT and MONOCHROME1 16-bit data.
 * Known values are encoded losslessly with the encoder shipped in @cornerstonejs/codec-openjph, wrapped
 * into DICOM by dcmjs (encapsulated Pixel Data), and must decode bit-exactly.
 * (JPEG 2000 is covered by the uncompressed-twin test; JPEG-LS by the DCMTK re-encodings.)
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { SOP, makeDicom } from '../../../fixtures/dicom-gen/make-dicom'

const require = createRequire(import.meta.url)

interface Encoder {
  getDecodedBuffer(info: Record<string, number | boolean>): Uint8Array
  encode(): void
  getEncodedBuffer(): Uint8Array
  setQuality?(lossless: boolean, step: number): void
  delete(): void
}
type Factory = (opts: { print: () => void; printErr: () => void }) => Promise<Record<string, unknown>>

async function encode(pkg: string, cls: string, info: { width: number; height: number; bitsPerSample: number; isSigned: boolean }, values: Int16Array | Uint16Array): Promise<Uint8Array> {
  const mod = await (require(pkg) as Factory)({ print: () => undefined, printErr: () => undefined })
  const Enc = mod[cls] as new () => Encoder
  const e = new Enc()
  try {
    const buf = e.getDecodedBuffer({ ...info, componentCount: 1, isUsingColorTransform: false })
    new Uint8Array(buf.buffer, buf.byteOffset, values.byteLength).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    e.setQuality?.(true, 0)
    e.encode()
    return new Uint8Array(e.getEncodedBuffer())
  } finally {
    e.delete()
  }
}

const rows = 20
const columns = 24
const signed = Int16Array.from({ length: rows * columns }, (_, i) => ((i * 37) % 4000) - 2000)
const unsigned = Uint16Array.from({ length: rows * columns }, (_, i) => (i * 131) % 65536)

const CASES = [
  ['HTJ2K lossless, signed CT', '@cornerstonejs/codec-openjph', 'HTJ2KEncoder', '1.2.840.10008.1.2.4.201', signed, 'MONOCHROME2'],
  ['HTJ2K lossless, MONOCHROME1 16-bit', '@cornerstonejs/codec-openjph', 'HTJ2KEncoder', '1.2.840.10008.1.2.4.201', unsigned, 'MONOCHROME1'],
] as const

describe('codec round trips through DICOM', () => {
  it.each(CASES)('%s decodes bit-exactly', async (_label, pkg, cls, ts, values, photometric) => {
    const isSigned = values instanceof Int16Array
    const encoded = await encode(pkg, cls, { width: columns, height: rows, bitsPerSample: 16, isSigned }, values)
    const bytes = makeDicom({
      sopClassUid: SOP.ct, rows, columns, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: isSigned ? 1 : 0,
      photometric, pixels: encoded, attributes: { Modality: isSigned ? 'CT' : 'CR' },
      transferSyntaxUid: ts as unknown as '1.2.840.10008.1.2.1',
    })
    const scan = await loadImageFile(bytes)
    expect(scan.meta.transferSyntaxUid).toBe(ts)
    expect(scan.isInvertedByPhotometric).toBe(photometric === 'MONOCHROME1')
    const got = scan.pixels.kind === 'gray' ? scan.pixels.values : new Float32Array(0)
    let differing = 0
    values.forEach((v, i) => { if (got[i] !== v) differing++ })
    expect(differing).toBe(0)
  })
})
