/**
 * The image sets the domain guard is fitted, tuned and judged on, read from ../shared/data at run time and
 * turned into model inputs exactly as the app does (loadImageFile → modelInputFromScan → the card's resize and
 * normalisation). Nothing here is committed as pixels: the sets are rebuilt on every run.
 *
 * - BUS-BRA by split (authors' patient-wise 5-fold file: fold 1 test, fold 2 validation, others training);
 * - BUS-BRA test images altered as a stand-in for other scanners and hospitals (gain, gamma, field of view,
 *   resolution, speckle, blur, JPEG): a PROXY — the same patients and machines, only re-rendered;
 * - not breast ultrasound: Oxford-IIIT pet photos, DICOM files of other modalities (and, reported apart,
 *   non-breast ultrasound DICOM), NIfTI slices, synthetic noise (a tuning seed range and a held-out one).
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { loadImageFile } from '../../../main/adapters/image-io/registry'
import { modelInputFromScan } from '../../../main/core/image/model-input'
import type { Rgb8Image } from '../../../main/core/image/types'
import { mulberry32 } from '../../../main/core/tensor/prng'
import { splitCsvLine } from '../../../main/adapters/eval/csv'
import { readBusbra } from '../models/busbra'

/** One input of a set: its id, the RGB8 image the engine would get and what the file declares. */
export interface SetImage {
  readonly id: string
  readonly image: Rgb8Image
  /** DICOM Modality (only DICOM declares one). */
  readonly modality?: string
  /** BUS-BRA label (0 benign, 1 malignant). */
  readonly label?: number
  /** BUS-BRA scanner model (bus_data.csv `Device`). */
  readonly device?: string
}

async function fileImage(file: string, opts: { slice?: { axis: 0 | 1 | 2; index: number } } = {}): Promise<SetImage & { kind: string }> {
  const scan = await loadImageFile(readFileSync(file), { name: path.basename(file), ...(opts.slice !== undefined ? { slice: opts.slice } : {}) })
  const input = modelInputFromScan(scan)
  return { id: path.basename(file), image: input.image, kind: scan.kind, ...(scan.kind === 'dicom' ? { modality: scan.modality } : {}) }
}

export type Split = 'train' | 'val' | 'test'

/** Scanner model of every BUS-BRA image (bus_data.csv `ID` → `Device`). */
export function busbraDevices(dir: string): Map<string, string> {
  const [head, ...lines] = readFileSync(path.join(dir, 'bus_data.csv'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '')
  const cols = splitCsvLine(head ?? '')
  const id = cols.indexOf('ID')
  const device = cols.indexOf('Device')
  if (id < 0 || device < 0) throw new Error('bus_data.csv lacks ID or Device')
  return new Map(lines.map((l) => splitCsvLine(l)).map((c) => [c[id] ?? '', c[device] ?? '']))
}

/** BUS-BRA images of one split (ids sorted); `keep` picks ids before any image is decoded (shards of a split). */
export async function* busbra(dataDir: string, split: Split, keep: (id: string, index: number) => boolean = () => true, testFold = 1, valFold = 2): AsyncGenerator<SetImage> {
  const dir = path.join(dataDir, 'busbra')
  const devices = busbraDevices(dir)
  let index = 0
  for (const r of readBusbra(dir)) {
    const s: Split = r.fold === testFold ? 'test' : r.fold === valFold ? 'val' : 'train'
    if (s !== split || !keep(r.id, index++)) continue
    const img = await fileImage(path.join(dir, 'Images', `${r.id}.png`))
    yield { id: r.id, image: img.image, label: r.label, device: devices.get(r.id) ?? 'unknown' }
  }
}

async function raw(s: Sharp): Promise<Rgb8Image> {
  const { data, info } = await s.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new Error(`expected RGB, got ${info.channels} channels`)
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
}

const rgbSharp = (im: Rgb8Image): Sharp => sharp(im.data, { raw: { width: im.width, height: im.height, channels: 3 } })

function mapPixels(im: Rgb8Image, f: (v: number, i: number) => number): Rgb8Image {
  const data = new Uint8Array(im.data.length)
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(f(im.data[i]!, i))))
  return { ...im, data }
}

/** Gaussian sample (Box–Muller) from a uniform generator. */
function gauss(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
}

/** Alterations of a breast-ultrasound image that another scanner or site could plausibly produce. */
export const SCANNER_PROXIES: Readonly<Record<string, (im: Rgb8Image, seed: number) => Promise<Rgb8Image>>> = {
  'gain-0.7': async (im) => mapPixels(im, (v) => v * 0.7),
  'gain-1.4': async (im) => mapPixels(im, (v) => v * 1.4),
  'gamma-1.5': async (im) => mapPixels(im, (v) => 255 * Math.pow(v / 255, 1.5)),
  'crop-80': async (im) => {
    const w = Math.round(im.width * 0.8)
    const h = Math.round(im.height * 0.8)
    return raw(rgbSharp(im).extract({ left: Math.floor((im.width - w) / 2), top: Math.floor((im.height - h) / 2), width: w, height: h }))
  },
  'pad-15': async (im) => {
    const x = Math.round(im.width * 0.15)
    const y = Math.round(im.height * 0.15)
    return raw(rgbSharp(im).extend({ left: x, right: x, top: y, bottom: y, background: '#000000' }))
  },
  'rescale-0.4': async (im) => {
    const small = await raw(rgbSharp(im).resize(Math.max(1, Math.round(im.width * 0.4)), Math.max(1, Math.round(im.height * 0.4)), { kernel: 'linear' }))
    return raw(rgbSharp(small).resize(im.width, im.height, { fit: 'fill', kernel: 'linear' }))
  },
  'speckle-0.2': async (im, seed) => {
    const next = mulberry32(seed)
    const n = im.width * im.height
    const factor = Float32Array.from({ length: n }, () => 1 + 0.2 * gauss(next))
    return mapPixels(im, (v, i) => v * factor[Math.floor(i / 3)]!)
  },
  'blur-1.5': async (im) => raw(rgbSharp(im).blur(1.5)),
  'jpeg-q40': async (im) => raw(sharp(await rgbSharp(im).jpeg({ quality: 40 }).toBuffer())),
}

/** BUS-BRA test images altered by one scanner proxy (seeded by the image's position). */
export async function* scannerProxy(dataDir: string, proxy: string): AsyncGenerator<SetImage> {
  const f = SCANNER_PROXIES[proxy]
  if (f === undefined) throw new Error(`unknown proxy ${proxy}`)
  let k = 0
  for await (const im of busbra(dataDir, 'test')) yield { ...im, id: `${im.id}:${proxy}`, image: await f(im.image, 1000 + k++) }
}

/** Oxford-IIIT pet photos. */
export async function* pets(dataDir: string): AsyncGenerator<SetImage> {
  const dir = path.join(dataDir, 'oxford-iiit-pet-subset', 'images')
  for (const f of readdirSync(dir).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort()) yield await fileImage(path.join(dir, f))
}

/**
 * DICOM files whose declared Modality is (`ultrasound` true) or is not US. Files the app cannot decode and files
 * that declare no Modality are skipped and listed (once, on the ultrasound pass).
 */
export async function* dicom(dataDir: string, ultrasound: boolean, skipped: string[]): AsyncGenerator<SetImage> {
  const dir = path.join(dataDir, 'dicom')
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.dcm')).sort()) {
    let im: SetImage & { kind: string }
    try {
      im = await fileImage(path.join(dir, f))
    } catch (e) {
      if (ultrasound) skipped.push(`${f}: ${e instanceof Error ? e.message.slice(0, 80) : String(e)}`)
      continue
    }
    if (im.modality === undefined || im.modality === '') {
      if (ultrasound) skipped.push(`${f}: no Modality attribute`)
      continue
    }
    if ((im.modality === 'US') === ultrasound) yield im
  }
}

/** Slices of every NIfTI volume at 30 / 50 / 70 % along each axis. */
export async function* nifti(dataDir: string): AsyncGenerator<SetImage> {
  const dir = path.join(dataDir, 'nifti')
  for (const f of readdirSync(dir).filter((n) => /\.nii(\.gz)?$/.test(n)).sort()) {
    const probe = await loadImageFile(readFileSync(path.join(dir, f)), { name: f })
    const dims = probe.slice?.dims ?? [1, 1, 1]
    for (const axis of [0, 1, 2] as const) {
      for (const at of [0.3, 0.5, 0.7]) {
        const index = Math.min(dims[axis]! - 1, Math.floor(at * dims[axis]!))
        const im = await fileImage(path.join(dir, f), { slice: { axis, index } })
        yield { ...im, id: `${f}:${axis}:${index}` }
      }
    }
  }
}

/** Kinds of synthetic noise, 224 × 224. */
export const NOISE_KINDS = ['gaussian-grey', 'uniform-colour', 'blobs-grey', 'speckle-grey', 'flat-grey'] as const

function noiseImage(kind: (typeof NOISE_KINDS)[number], seed: number): Rgb8Image {
  const next = mulberry32(seed)
  const w = 224
  const h = 224
  const data = new Uint8Array(w * h * 3)
  const grey = (i: number, v: number): void => {
    data.fill(Math.max(0, Math.min(255, Math.round(v))), 3 * i, 3 * i + 3)
  }
  if (kind === 'flat-grey') data.fill(Math.floor(next() * 256))
  else if (kind === 'uniform-colour') for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256)
  else if (kind === 'gaussian-grey') for (let i = 0; i < w * h; i++) grey(i, 128 + 50 * gauss(next))
  else if (kind === 'speckle-grey') {
    // Fully developed speckle: exponential intensity, the texture of ultrasound without anatomy.
    const mean = 40 + 80 * next()
    for (let i = 0; i < w * h; i++) grey(i, -mean * Math.log(1 - next()))
  } else {
    // Smooth blobs: bilinear upsampling of an 8 × 8 random field.
    const g = Array.from({ length: 64 }, () => 255 * next())
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const fy = (y / (h - 1)) * 7
        const fx = (x / (w - 1)) * 7
        const y0 = Math.min(6, Math.floor(fy))
        const x0 = Math.min(6, Math.floor(fx))
        const ty = fy - y0
        const tx = fx - x0
        const v = (1 - ty) * ((1 - tx) * g[y0 * 8 + x0]! + tx * g[y0 * 8 + x0 + 1]!) + ty * ((1 - tx) * g[(y0 + 1) * 8 + x0]! + tx * g[(y0 + 1) * 8 + x0 + 1]!)
        grey(y * w + x, v)
      }
    }
  }
  return { width: w, height: h, data }
}

/** `perKind` noise images of every kind, seeds from `firstSeed` (tuning: 0…, held-out: 10000…). */
export async function* noise(firstSeed: number, perKind: number): AsyncGenerator<SetImage> {
  for (const kind of NOISE_KINDS) {
    for (let s = 0; s < perKind; s++) yield { id: `${kind}:${firstSeed + s}`, image: noiseImage(kind, firstSeed + s) }
  }
}
