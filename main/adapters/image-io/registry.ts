/**
 * The loader registry and the public entry point `loadImageFile`. Loaders are an explicit array (STYLE.md
 * §1.5: no registration by import side effect). Choice is by content first: every loader is asked for a
 * 'signature' match in order, and only if none claims the file is the extension (or a weaker content
 * heuristic) consulted. DICOM comes first because a Part 10 preamble may itself look like a TIFF header
 * (dual-personality files). gzip input (.nii.gz, also gzipped DICOM) is inflated, with a cap, and probed again.
 */
import { gunzipSync } from 'node:zlib'
import { ImageIoError, throwIfAborted } from './errors'
import { isAppError } from '../../core/errors'
import type { ImageLoader, LoadOptions, Probe } from './loader'
import { MAX_INFLATED_BYTES } from './limits'
import { dicomLoader } from './dicom/dicom-loader'
import { niftiLoader } from './nifti-loader'
import { rasterLoader } from './raster-loader'
import { documentKind, looksLikeText } from './text-sniff'
import type { LoadedScan } from '../../core/image/scan-types'

/** Every loader, in the order they are asked. */
export const IMAGE_LOADERS: readonly ImageLoader[] = [dicomLoader, niftiLoader, rasterLoader]

const HEAD_BYTES = 1024

/** The loader for a probe: first signature match, else first extension match, else undefined. */
export function pickLoader(probe: Probe, loaders: readonly ImageLoader[] = IMAGE_LOADERS): ImageLoader | undefined {
  const matches = loaders.map((l) => ({ loader: l, match: l.match(probe) }))
  return (matches.find((m) => m.match === 'signature') ?? matches.find((m) => m.match === 'extension'))?.loader
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b
}

/**
 * Inflates into one buffer: the gzip trailer's ISIZE (uncompressed size mod 2³²) sizes zlib's output chunk,
 * so a large payload is not collected as a list of chunks and concatenated (twice its size at the end). A
 * lying trailer only loses that: zlib still stops at the cap, and untouched buffer pages cost no memory.
 */
function gunzip(bytes: Uint8Array): Uint8Array {
  const isize = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0
  const chunkSize = Math.min(Math.max(isize, 64 * 1024), MAX_INFLATED_BYTES)
  try {
    const out = gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES, chunkSize })
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  } catch (cause) {
    // zlib reports the output cap as a RangeError; anything else is a damaged archive.
    if (cause instanceof RangeError) throw new ImageIoError('image/too-large', { detail: { reason: `gzip content larger than ${MAX_INFLATED_BYTES / 2 ** 20} MB` }, cause })
    throw new ImageIoError('image/unsupported-format', { detail: { reason: 'damaged gzip data' }, cause })
  }
}

/**
 * Loads any supported image file from its bytes (never from a path: main reads files, this stays testable).
 * `opts.name` is used only as the extension hint; `frame` picks a frame/page, `slice` a NIfTI slice.
 * Throws ImageIoError (an `image/*` code of main/core/errors.ts), or AppError 'run/cancelled' when
 * `opts.signal` fires; `bytes` is not modified.
 */
export async function loadImageFile(bytes: Uint8Array, opts: LoadOptions = {}): Promise<LoadedScan> {
  throwIfAborted(opts.signal)
  const name = opts.name ?? ''
  if (bytes.length === 0) throw new ImageIoError('image/empty-file')
  const gzipped = isGzip(bytes)
  const data = gzipped ? gunzip(bytes) : bytes
  // 'scan.dcm.gz' is probed as 'scan.dcm'; '.nii.gz' stays, it is NIfTI's own compound extension.
  const hint = gzipped && /\.gz$/i.test(name) && !/\.nii\.gz$/i.test(name) ? name.slice(0, -3) : name
  const probe: Probe = { name: hint, head: data.subarray(0, HEAD_BYTES) }
  // Whatever the extension says: content no loader recognises is named by what it is (a document we refuse to
  // render, plain text); binary content under an image name goes to that loader, which calls it damaged.
  if (!IMAGE_LOADERS.some((l) => l.match(probe) === 'signature')) {
    const kind = documentKind(probe.head)
    if (kind !== null) throw new ImageIoError('image/unsupported-format', { detail: { reason: `content is a ${kind}` } })
    if (looksLikeText(probe.head)) throw new ImageIoError('image/text-file')
  }
  const loader = pickLoader(probe)
  const log = opts.log?.child('image-io')
  if (!loader) {
    log?.warn('no loader matched', { bytes: bytes.length, code: 'image/unsupported-format' })
    throw new ImageIoError('image/unsupported-format')
  }
  const started = Date.now()
  try {
    const scan = await loader.load(data, opts)
    // Technical fields only (STYLE.md §2.6): no file name, no path, no tag values beyond the allow-listed meta.
    log?.debug('loaded', {
      loader: loader.id, width: scan.width, height: scan.height, frame: scan.frame.index, frames: scan.frame.count,
      modality: scan.modality, transferSyntax: scan.meta.transferSyntax ?? scan.meta.format ?? '', durationMs: Date.now() - started,
    })
    return scan
  } catch (e) {
    log?.warn('load failed', { loader: loader.id, code: isAppError(e) ? e.code : 'unexpected', durationMs: Date.now() - started })
    throw e
  }
}
