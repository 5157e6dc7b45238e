/**
 * The hostile-input corpus of issue 16 (build 9), generated here on every run (nothing binary is
 * committed): mutated DICOM, NIfTI (plain and gzip) and raster files, files whose name lies about their
 * content (an SVG, PDF or HTML page named .png, .jpg or .dcm), decompression bombs (a gzip NIfTI and a
 * deflated DICOM data set that inflate past their caps), headers claiming absurd sizes, and degenerate
 * files (empty, one byte, random). Deterministic: every case is reproducible from its label.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import sharp from 'sharp'
import { allGeneratedCases } from '../fixtures/dicom-gen/cases'
import { writeLargeDicom } from '../fixtures/dicom-gen/large-dicom'
import { makeNifti } from '../fixtures/nifti-gen/make-nifti'
import { insertJunkAt, MUTATORS, prng, type Mutator } from './mutate'

/** One file of the corpus: `name` is what the loader is told (its extension may lie). */
export interface HostileCase {
  readonly family: 'dicom' | 'nifti' | 'nifti-gz' | 'raster' | 'disguised' | 'bomb' | 'degenerate'
  readonly label: string
  readonly name: string
  readonly bytes: Uint8Array
}

/** Content-agnostic mutators (the DICOM ones assume tags; these do not). */
const GENERIC: Readonly<Record<string, Mutator>> = {
  truncate: MUTATORS['truncate']!,
  flipBytes: MUTATORS['flipBytes']!,
  insertJunk: (src, rnd) => insertJunkAt(src, Math.floor(rnd() * src.length), rnd),
}

/** NIfTI-1 header fields (offsets of the 348-byte header) set to hostile values. */
const NIFTI_FIELDS: Readonly<Record<string, Mutator>> = {
  ...GENERIC,
  hugeDims: (src, rnd) => withView(src, (v) => {
    const big = [0, -1, 32767, 20000, Math.floor(rnd() * 32768)]
    for (let i = 1; i <= 3; i++) v.setInt16(40 + i * 2, big[Math.floor(rnd() * big.length)]!, true)
  }),
  badDatatype: (src, rnd) => withView(src, (v) => {
    v.setInt16(70, [0, 1, 3, 128, 1536, 2304, 32767][Math.floor(rnd() * 7)]!, true)
    v.setInt16(72, [0, 1, 7, 64, 255][Math.floor(rnd() * 5)]!, true)
  }),
  lyingVoxOffset: (src, rnd) => withView(src, (v) => v.setFloat32(108, [0, -352, 1e9, Number.NaN, Infinity, 351.5][Math.floor(rnd() * 6)]!, true)),
  badDimCount: (src, rnd) => withView(src, (v) => v.setInt16(40, [-1, 0, 8, 9, 255][Math.floor(rnd() * 5)]!, true)),
  badSizeofHdr: (src, rnd) => withView(src, (v) => v.setInt32(0, [0, 347, 540, 0x5c010000, -1][Math.floor(rnd() * 5)]!, true)),
  badScaling: (src, rnd) => withView(src, (v) => {
    v.setFloat32(112, [Number.NaN, Infinity, 0, -1e38][Math.floor(rnd() * 4)]!, true) // scl_slope
    v.setFloat32(116, [Number.NaN, -Infinity, 1e38][Math.floor(rnd() * 3)]!, true) // scl_inter
  }),
}

function withView(src: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const out = src.slice()
  if (out.length >= 348) edit(new DataView(out.buffer, out.byteOffset, out.length))
  return out
}

/** PNG with an IHDR claiming `w` × `h` (valid CRC) and almost no data. */
function pngClaiming(w: number, h: number): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc32(body), body.length + 4)
    return out
  }
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', gzipSync(Buffer.alloc(16)).subarray(10)), chunk('IEND', Buffer.alloc(0))]))
}

function crc32(bytes: Uint8Array): number {
  let c = ~0
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

const DISGUISES: readonly [string, Uint8Array][] = [
  ['svg', text('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>')],
  ['svg-external-href', text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8"><image xlink:href="file:///etc/passwd" width="8" height="8"/></svg>')],
  ['svg-entity', text('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><text>&b;</text></svg>')],
  ['svg-huge', text('<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"><rect width="10" height="10"/></svg>')],
  ['pdf', text('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')],
  ['html', text('<!doctype html><html><body><img src="http://example.com/x.png"></body></html>')],
  ['xml', text('<?xml version="1.0"?><root/>')],
  ['json', text('{"not":"an image"}')],
  ['zip', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Array<number>(60).fill(0)])],
  ['elf', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, ...new Array<number>(57).fill(0)])],
  ['heif-brand', Uint8Array.from([0, 0, 0, 24, ...text('ftypheic'), ...new Array<number>(52).fill(0)])],
  ['bmp', Uint8Array.from([0x42, 0x4d, ...new Array<number>(62).fill(0)])],
]
const DISGUISE_NAMES = ['scan.png', 'photo.jpg', 'image.tiff', 'study.dcm', 'brain.nii', 'pic.webp']

/** Builds the corpus; `perMutator` mutated copies per seed and mutator. */
export async function hostileCorpus(perMutator = 4): Promise<HostileCase[]> {
  const cases: HostileCase[] = []
  const mutate = (family: HostileCase['family'], seed: string, bytes: Uint8Array, name: string, mutators: Readonly<Record<string, Mutator>>, salt: number): void => {
    for (const [m, [mut, fn]] of Object.entries(mutators).entries()) {
      for (let k = 0; k < perMutator; k++) cases.push({ family, label: `${seed} ${mut} #${k}`, name, bytes: fn(bytes, prng(salt * 10_000 + 100 * m + k)) })
    }
  }
  for (const [s, c] of allGeneratedCases().entries()) mutate('dicom', c.name, c.bytes, 'fuzz.dcm', MUTATORS, 1 + s)
  for (const [s, dims] of ([[16, 12, 5], [7, 9, 1], [32, 32, 3]] as const).entries()) {
    const nii = makeNifti(dims)
    mutate('nifti', `nifti-${dims.join('x')}`, nii, 'fuzz.nii', NIFTI_FIELDS, 100 + s)
    const before = cases.length
    mutate('nifti-gz', `nifti-gz-${dims.join('x')}`, nii, 'fuzz.nii.gz', NIFTI_FIELDS, 200 + s)
    for (let i = before; i < cases.length; i++) cases[i] = { ...cases[i]!, bytes: new Uint8Array(gzipSync(cases[i]!.bytes)) }
  }
  const px = new Uint8Array(24 * 16 * 3).map((_, i) => (i * 13) % 256)
  const base = sharp(px, { raw: { width: 24, height: 16, channels: 3 } })
  const rasters: [string, Buffer][] = [
    ['png', await base.clone().png().toBuffer()], ['jpeg', await base.clone().jpeg().toBuffer()], ['tiff', await base.clone().tiff().toBuffer()],
    ['gif', await base.clone().gif().toBuffer()], ['webp', await base.clone().webp().toBuffer()],
  ]
  for (const [s, [fmt, buf]] of rasters.entries()) mutate('raster', fmt, new Uint8Array(buf), `fuzz.${fmt}`, GENERIC, 300 + s)
  for (const [w, h] of [[100_000, 100_000], [10_001, 10_000], [0, 16], [1, 2 ** 31 - 1], [2 ** 32 - 1, 1]] as const) {
    cases.push({ family: 'raster', label: `png claiming ${w}x${h}`, name: 'claim.png', bytes: pngClaiming(w, h) })
  }
  for (const [kind, bytes] of DISGUISES) {
    for (const name of DISGUISE_NAMES) cases.push({ family: 'disguised', label: `${kind} named ${name}`, name, bytes })
    cases.push({ family: 'disguised', label: `${kind} gzipped named x.nii.gz`, name: 'x.nii.gz', bytes: new Uint8Array(gzipSync(bytes)) })
  }
  // Bombs: each inflates past its cap (gzip 512 MB; deflated DICOM data set 128 MB), from well under 1 MB.
  cases.push({ family: 'bomb', label: 'gzip NIfTI inflating to 600 MB', name: 'bomb.nii.gz', bytes: new Uint8Array(gzipSync(Buffer.concat([makeNifti([4, 4, 1]).subarray(0, 352), Buffer.alloc(600 * 2 ** 20)]), { level: 1 })) })
  const dir = mkdtempSync(join(tmpdir(), 'mamba-hostile-'))
  try {
    await writeLargeDicom(join(dir, 'd.dcm'), { rows: 7000, columns: 7000, frames: 3, bitsAllocated: 8, deflated: true })
    cases.push({ family: 'bomb', label: 'deflated DICOM data set inflating to 147 MB', name: 'deflated.dcm', bytes: new Uint8Array(readFileSync(join(dir, 'd.dcm'))) })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  cases.push({ family: 'bomb', label: 'gzip of gzip (inner bomb)', name: 'nested.nii.gz', bytes: new Uint8Array(gzipSync(gzipSync(Buffer.alloc(64 * 2 ** 20)))) })
  const rnd = prng(4242)
  for (const name of ['x.png', 'x.jpg', 'x.dcm', 'x.nii', 'x.nii.gz', 'x.tif', 'x', 'x.gif']) {
    cases.push({ family: 'degenerate', label: `empty ${name}`, name, bytes: new Uint8Array(0) })
    cases.push({ family: 'degenerate', label: `one byte ${name}`, name, bytes: Uint8Array.of(0x89) })
    for (let k = 0; k < 3; k++) cases.push({ family: 'degenerate', label: `random ${name} #${k}`, name, bytes: Uint8Array.from({ length: 1 + Math.floor(rnd() * 4096) }, () => Math.floor(rnd() * 256)) })
    cases.push({ family: 'degenerate', label: `DICM preamble only ${name}`, name, bytes: Uint8Array.from([...new Array<number>(128).fill(0), ...text('DICM')]) })
  }
  return cases
}
