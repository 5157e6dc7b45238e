/**
 * NIfTI-1 / NIfTI-2 volumes (.nii; .nii.gz arrive here already gunzipped by the registry). Header parsing
 * by nifti-reader-js; voxels are read with a DataView in the header's byte order (big-endian files exist,
 * e.g. nibabel's anatomical.nii). One 2-D slice is cut per load (axis, index, and volume for 4-D series).
 */
import * as nifti from 'nifti-reader-js'
import { ImageIoError, throwIfAborted } from './errors'
import { extensionOf, hasAscii, type ImageLoader, type LoadOptions, type Match, type Probe } from './loader'
import { MAX_PIXELS, MAX_VOXELS, tooLargeDetail } from './limits'
import { quantileRange, valueRange } from '../../core/image/modality-lut'
import { axisCodes, extractSlice, inPlaneAxes, sliceOrientation } from '../../core/image/nifti-slice'
import { PhiRecord } from '../../core/image/phi'
import { buildPresets } from '../../core/image/presets'
import type { LoadedScan, PixelSpacingMm, ScanOrientation } from '../../core/image/scan-types'

type Header = ReturnType<typeof nifti.readHeader>

/** NIfTI-1 ('n+1'/'ni1' at 344, sizeof_hdr 348) or NIfTI-2 ('n+2' at 4, sizeof_hdr 540), either byte order. */
export function isNiftiHead(head: Uint8Array): boolean {
  const n1 = hasAscii(head, 344, 'n+1\0') || hasAscii(head, 344, 'ni1\0')
  const n2 = hasAscii(head, 4, 'n+2\0') || hasAscii(head, 4, 'ni2\0')
  return n1 || n2
}

/** Byte readers per NIfTI datatype code; RGB24 (128) is handled apart. */
const READERS: Readonly<Record<number, { size: number; name: string; read: (v: DataView, o: number, le: boolean) => number }>> = {
  2: { size: 1, name: 'uint8', read: (v, o) => v.getUint8(o) },
  4: { size: 2, name: 'int16', read: (v, o, le) => v.getInt16(o, le) },
  8: { size: 4, name: 'int32', read: (v, o, le) => v.getInt32(o, le) },
  16: { size: 4, name: 'float32', read: (v, o, le) => v.getFloat32(o, le) },
  64: { size: 8, name: 'float64', read: (v, o, le) => v.getFloat64(o, le) },
  256: { size: 1, name: 'int8', read: (v, o) => v.getInt8(o) },
  512: { size: 2, name: 'uint16', read: (v, o, le) => v.getUint16(o, le) },
  768: { size: 4, name: 'uint32', read: (v, o, le) => v.getUint32(o, le) },
}

const malformed = (reason: string, cause?: unknown): ImageIoError => new ImageIoError('image/nifti-malformed', { detail: { reason }, cause })

/** Spatial unit factor to millimetres from xyzt_units (0 = unknown is read as mm, as most tools do). */
function mmPerUnit(xyztUnits: number): number {
  const unit = xyztUnits & 7
  return unit === 1 ? 1000 : unit === 3 ? 0.001 : 1
}

function orientationOf(h: Header, axis: 0 | 1 | 2): ScanOrientation {
  // Mirrors nifti-reader-js's choice of matrix: qform when its code is higher, else sform, else none.
  const source = h.qform_code > 0 && h.sform_code < h.qform_code ? 'qform' : h.sform_code > 0 ? 'sform' : 'none'
  return sliceOrientation(source === 'none' ? '???' : axisCodes(h.affine), axis, source)
}

export const niftiLoader: ImageLoader = {
  id: 'nifti',

  match(probe: Probe): Match {
    if (isNiftiHead(probe.head)) return 'signature'
    const ext = extensionOf(probe.name)
    return ext === '.nii' || ext === '.nii.gz' ? 'extension' : 'no'
  },

  async load(bytes: Uint8Array, opts: LoadOptions): Promise<LoadedScan> {
    throwIfAborted(opts.signal)
    // The file's own buffer when `bytes` spans it exactly (a large file from readFileSync, gunzip's single
    // chunk: registry.ts), else one copy: nifti-reader-js wants an ArrayBuffer (it reads past the header
    // when that is longer), and a volume may be hundreds of MB.
    const spans = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    const buffer = (spans ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) as ArrayBuffer
    if (!nifti.isNIFTI(buffer)) throw malformed('no NIfTI magic')
    let h: Header
    try {
      h = nifti.readHeader(buffer)
    } catch (cause) {
      throw malformed('header could not be read', cause)
    }
    const ndim = h.dims[0] ?? 0
    const dim = (i: number): number => (i <= ndim ? Math.max(1, Math.trunc(h.dims[i] ?? 1)) : 1)
    const dims = [dim(1), dim(2), dim(3)] as const
    const volumeCount = dim(4) * dim(5)
    if (ndim < 1 || ndim > 7 || dims.some((d) => !Number.isFinite(d))) throw malformed(`dimension count ${ndim}`)
    const voxels = dims[0] * dims[1] * dims[2]
    if (voxels * volumeCount > MAX_VOXELS) throw new ImageIoError('image/too-large', { detail: { reason: `${voxels * volumeCount} voxels` } })
    const isRgb = h.datatypeCode === 128
    const reader = READERS[h.datatypeCode]
    if (!reader && !isRgb) {
      throw new ImageIoError('image/nifti-unsupported-datatype', { detail: { datatype: `code ${h.datatypeCode}` } })
    }
    const size = isRgb ? 3 : (reader?.size ?? 1)
    const axis = opts.slice?.axis ?? 2
    const index = opts.slice?.index ?? Math.floor((dims[axis] - 1) / 2)
    const volume = opts.volume ?? 0
    if (!Number.isInteger(index) || index < 0 || index >= dims[axis]) {
      throw new ImageIoError('image/slice-out-of-range', { detail: { axis, index, count: dims[axis] } })
    }
    if (!Number.isInteger(volume) || volume < 0 || volume >= volumeCount) {
      throw new ImageIoError('image/frame-out-of-range', { detail: { frame: volume, frameCount: volumeCount } })
    }
    const [u, v] = inPlaneAxes(axis)
    if (dims[u as 0 | 1 | 2] * dims[v as 0 | 1 | 2] > MAX_PIXELS) {
      throw new ImageIoError('image/too-large', { detail: tooLargeDetail(dims[u as 0 | 1 | 2], dims[v as 0 | 1 | 2]) })
    }
    const start = Number(h.vox_offset) + volume * voxels * size
    if (!Number.isFinite(start) || start < 0 || start + voxels * size > bytes.length) throw malformed('voxel data shorter than the header says')
    throwIfAborted(opts.signal)
    const view = new DataView(buffer, start, voxels * size)
    // NIfTI: scl_slope 0 means "no scaling", and then scl_inter is ignored too.
    const hasScale = Number.isFinite(h.scl_slope) && h.scl_slope !== 0
    const slope = hasScale ? h.scl_slope : 1
    const inter = hasScale && Number.isFinite(h.scl_inter) ? h.scl_inter : 0
    // Only the slice's voxels are read and scaled (extractSlice with a voxel reader).
    const channel = (c: number): Float32Array => extractSlice(
      isRgb ? (i) => view.getUint8(i * 3 + c) : (i) => (reader as NonNullable<typeof reader>).read(view, i * size, h.littleEndian) * slope + inter,
      dims, axis, index).values
    const width = dims[u as 0 | 1 | 2]
    const height = dims[v as 0 | 1 | 2]
    const mm = mmPerUnit(h.xyzt_units)
    const spacing: PixelSpacingMm | undefined = (h.pixDims[u + 1] ?? 0) > 0 && (h.pixDims[v + 1] ?? 0) > 0
      ? { row: (h.pixDims[v + 1] as number) * mm, column: (h.pixDims[u + 1] as number) * mm, source: 'NIfTI pixdim' }
      : undefined
    const common = {
      kind: 'nifti' as const, width, height,
      frame: { index: volume, count: volumeCount },
      slice: { axis, index, dims, volume, volumeCount },
      modality: 'NIFTI', unit: '', voiFunction: 'LINEAR' as const, voiLuts: [], isInvertedByPhotometric: false,
      ...(spacing ? { pixelSpacingMm: spacing } : {}),
      orientation: orientationOf(h, axis),
      meta: {
        format: h.magic.startsWith('n+2') || h.magic.startsWith('ni2') ? 'NIfTI-2' : 'NIfTI-1',
        dims: `${dims.join('×')}${volumeCount > 1 ? `×${volumeCount}` : ''}`,
        datatype: isRgb ? 'rgb24' : (reader?.name ?? 'unknown'),
        byteOrder: h.littleEndian ? 'little-endian' : 'big-endian',
        voxelSizeMm: [1, 2, 3].map((i) => (h.pixDims[i] ?? 0) * mm).join('×'),
        qformCode: h.qform_code, sformCode: h.sform_code,
        orientation: orientationOf(h, axis).axcodes,
      },
      // Converters sometimes write a patient name or scan date into `descrip`: treat it as identifying.
      phi: new PhiRecord(h.description.trim() ? { 'NIfTI description': h.description.trim() } : {}),
    }
    if (isRgb) {
      const [r, g, b] = [channel(0), channel(1), channel(2)]
      const rgb = new Uint8Array(width * height * 3)
      for (let i = 0; i < width * height; i++) { rgb[i * 3] = r[i] as number; rgb[i * 3 + 1] = g[i] as number; rgb[i * 3 + 2] = b[i] as number }
      const identity = { center: 127.5, width: 256 }
      return { ...common, pixels: { kind: 'rgb', rgb }, photometric: 'RGB', defaultWindow: identity, defaultPresetId: 'identity',
        presets: [{ id: 'identity', label: 'As stored', source: 'auto', kind: 'window', window: identity }] }
    }
    const values = channel(0)
    const range = valueRange(values)
    const cal = h.cal_max > h.cal_min ? [{ window: { center: (h.cal_max + h.cal_min) / 2, width: h.cal_max - h.cal_min }, explanation: 'cal_min/cal_max' }] : []
    const presets = buildPresets({ modality: 'NIFTI', fileWindows: cal, voiLuts: [], range, robust: quantileRange(values, 0.005, 0.995), isHounsfield: false })
    return { ...common, pixels: { kind: 'gray', values, ...range }, photometric: 'MONOCHROME2', ...presets }
  },
}
