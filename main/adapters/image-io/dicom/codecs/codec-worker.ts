/**
 * Runs the compressed-frame decoders (the cornerstone WASM codecs, jpeg-lossless-decoder-js and the IJG 6b
 * 12-bit JPEG decoder of dcmjs-codecs) in a worker thread with a deadline. Why a worker: the fuzz test found hostile JPEG-LS streams on which CharLS
 * spins for over 10 s before failing; synchronous WASM cannot be interrupted, but a worker can be
 * terminated. It also keeps a WASM abort (memory corruption on a hostile codestream) out of the main process.
 *
 * Offline by construction: each codec package is an Emscripten CommonJS factory that would find its .wasm
 * through __dirname; we resolve the .wasm through the package's own `exports` map here and hand the bytes
 * over as `wasmBinary`, so nothing is fetched and bundling cannot break the path. dcmjs-codecs reads its
 * .wasm from the file path it is given (Node branch of its loader), resolved here the same way. The worker is created
 * from source (`eval`), so it needs no separate build entry.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

const require = createRequire(import.meta.url)

/** Frame description every cornerstone decoder returns from getFrameInfo(). */
export interface WasmFrameInfo {
  readonly width: number
  readonly height: number
  readonly bitsPerSample: number
  readonly componentCount: number
  readonly isSigned?: boolean
}

/** Package entry points per codec: JS factory, .wasm (from each package's `exports`), decoder class. */
export const WASM_CODECS = {
  'jpeg-baseline': { js: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', wasm: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm', cls: 'JPEGDecoder' },
  'jpeg-ls': { js: '@cornerstonejs/codec-charls/decodewasmjs', wasm: '@cornerstonejs/codec-charls/decodewasm', cls: 'JpegLSDecoder' },
  jpeg2000: { js: '@cornerstonejs/codec-openjpeg/decodewasmjs', wasm: '@cornerstonejs/codec-openjpeg/decodewasm', cls: 'J2KDecoder' },
  htj2k: { js: '@cornerstonejs/codec-openjph/wasmjs', wasm: '@cornerstonejs/codec-openjph/wasm', cls: 'HTJ2KDecoder' },
} as const

/**
 * 12-bit DCT JPEG (JPEG Extended, Process 4): dcmjs-codecs, whose WASM build holds IJG libjpeg 6b compiled for
 * 8, 12 and 16 bits, the same library DCMTK's dcmdjpeg uses, so decoded values equal DCMTK's (libjpeg-turbo
 * 8-bit cannot decode 12-bit data). The package has no `exports` map, so the .wasm resolves by path.
 */
export const IJG_CODEC = { js: 'dcmjs-codecs', wasm: 'dcmjs-codecs/build/dcmjs-native-codecs.wasm' } as const

export type WasmCodecId = keyof typeof WASM_CODECS | 'jpeg-lossless' | 'jpeg-12bit'

/** What the 12-bit JPEG decoder must be told (IJG reads no DICOM attributes). */
export interface Jpeg12Frame {
  readonly columns: number
  readonly rows: number
  readonly components: number
  readonly photometric: string
  /** Ask IJG for YCbCr → RGB (YBR_* photometric); RGB data is returned as stored. */
  readonly toRgb: boolean
}

/** What one decode returns: frame info, the decoded bytes and the JPEG-LS parameters. */
export interface WorkerDecodeResult {
  readonly info: WasmFrameInfo
  readonly decoded: Uint8Array
  readonly interleaveMode: number
  readonly nearLossless: number
}

/** Raised when the deadline passes; the caller turns it into 'image/dicom-decode-failed'. */
export class DecodeTimeoutError extends Error {
  override readonly name = 'DecodeTimeoutError'
}

// Plain CommonJS run by the worker. Decoders are created per frame and always deleted; modules are cached.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { readFileSync } = require('node:fs')
const modules = new Map()
function decoderClass(id) {
  if (!modules.has(id)) {
    const spec = workerData.codecs[id]
    const factory = require(spec.js)
    const p = factory({ wasmBinary: readFileSync(spec.wasm), print: () => {}, printErr: () => {} }).then((m) => m[spec.cls])
    p.catch(() => modules.delete(id))
    modules.set(id, p)
  }
  return modules.get(id)
}
let ijg
function ijgCodecs() {
  if (!ijg) {
    const { NativeCodecs, Context } = require(workerData.ijg.js)
    ijg = NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: workerData.ijg.wasm }).then(() => ({ NativeCodecs, Context }))
    ijg.catch(() => { ijg = undefined })
  }
  return ijg
}
async function decodeJpeg12(msg) {
  const { NativeCodecs, Context } = await ijgCodecs()
  // A decode that failed while this one waited for the module released it: take the fresh one.
  if (!NativeCodecs.isInitialized()) return decodeJpeg12(msg)
  const f = msg.frame
  try {
    const ctx = new Context({ width: f.columns, height: f.rows, bitsAllocated: 16, bitsStored: 12, samplesPerPixel: f.components,
      pixelRepresentation: 0, planarConfiguration: 0, photometricInterpretation: f.photometric, encodedBuffer: msg.encoded })
    const out = NativeCodecs.decodeJpeg(ctx, { convertColorspaceToRgb: f.toRgb })
    const decoded = out.getDecodedBuffer()
    if (!decoded) throw new Error('IJG returned no pixels')
    // Copied: its buffer is transferred to the parent, which must never take the WASM memory with it.
    return { info: { width: out.getWidth(), height: out.getHeight(), bitsPerSample: out.getBitsStored(), componentCount: out.getSamplesPerPixel() },
      decoded: new Uint8Array(decoded), interleaveMode: 0, nearLossless: 0 }
  } catch (e) {
    // An IJG error is thrown from a WASM import and unwinds past the library's clean-up: use a fresh instance next time.
    NativeCodecs.release()
    ijg = undefined
    throw e
  }
}
async function decode(msg) {
  if (msg.codec === 'jpeg-12bit') return decodeJpeg12(msg)
  if (msg.codec === 'jpeg-lossless') {
    const { Decoder } = require(workerData.lossless)
    const b = msg.encoded
    const out = new Decoder().decode(b.buffer, b.byteOffset, b.byteLength, msg.bytesPerSample)
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice()
    return { info: { width: 0, height: 0, bitsPerSample: 0, componentCount: 0 }, decoded: bytes, interleaveMode: 0, nearLossless: 0 }
  }
  const Cls = await decoderClass(msg.codec)
  const d = new Cls()
  try {
    d.getEncodedBuffer(msg.encoded.length).set(msg.encoded)
    d.decode()
    const info = d.getFrameInfo()
    return { info: { ...info }, decoded: new Uint8Array(d.getDecodedBuffer()),
      interleaveMode: d.getInterleaveMode ? d.getInterleaveMode() : 0, nearLossless: d.getNearLossless ? d.getNearLossless() : 0 }
  } finally {
    try { d.delete() } catch (e) { /* instance already gone after a trap */ }
  }
}
parentPort.on('message', (msg) => {
  decode(msg).then(
    (r) => parentPort.postMessage({ id: msg.id, ok: true, result: r }, [r.decoded.buffer]),
    (e) => parentPort.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.name + ': ' + e.message : 'codec exception ' + String(e) }))
})
`

interface Pending {
  readonly worker: Worker
  resolve: (r: WorkerDecodeResult) => void
  reject: (e: Error) => void
}

let worker: Worker | undefined
const pending = new Map<number, Pending>()
let nextId = 1

function codecPaths(): Record<string, { js: string; wasm: string; cls: string }> {
  const out: Record<string, { js: string; wasm: string; cls: string }> = {}
  for (const [id, spec] of Object.entries(WASM_CODECS)) out[id] = { js: require.resolve(spec.js), wasm: require.resolve(spec.wasm), cls: spec.cls }
  return out
}

function getWorker(): Worker {
  if (worker) return worker
  const ijg = { js: require.resolve(IJG_CODEC.js), wasm: require.resolve(IJG_CODEC.wasm) }
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { codecs: codecPaths(), lossless: require.resolve('jpeg-lossless-decoder-js'), ijg } })
  // The worker must not keep an idle app or test run alive; pending decodes re-ref it.
  w.unref()
  w.on('message', (msg: { id: number; ok: boolean; result?: WorkerDecodeResult; error?: string }) => {
    const p = pending.get(msg.id)
    pending.delete(msg.id)
    if (![...pending.values()].some((q) => q.worker === w)) w.unref()
    if (!p) return
    if (msg.ok && msg.result) p.resolve(msg.result)
    else p.reject(new Error(msg.error ?? 'codec failed'))
  })
  w.on('error', (e) => failAll(w, e))
  w.on('exit', () => { if (worker === w) worker = undefined; failAll(w, new Error('codec worker exited')) })
  worker = w
  return w
}

/** Rejects the decodes that were sent to `w` (a replacement worker's requests are not affected). */
function failAll(w: Worker, e: Error): void {
  for (const [id, p] of pending) {
    if (p.worker !== w) continue
    pending.delete(id)
    p.reject(e)
  }
}

/** Stops the worker (deadline passed or load aborted); the next decode starts a fresh one. */
function resetWorker(reason: Error): void {
  const w = worker
  if (!w) return
  worker = undefined
  failAll(w, reason)
  void w.terminate()
}

/**
 * Decodes one codestream in the worker. Rejects with DecodeTimeoutError after `timeoutMs`, with the
 * signal's reason when aborted, and with the codec's message otherwise. `encoded` is copied, not moved.
 * 'jpeg-12bit' needs `frame`.
 */
export function runWasmDecoder(
  codec: WasmCodecId,
  encoded: Uint8Array,
  opts: { timeoutMs: number; signal?: AbortSignal; bytesPerSample?: number; frame?: Jpeg12Frame },
): Promise<WorkerDecodeResult> {
  return new Promise<WorkerDecodeResult>((resolve, reject) => {
    const w = getWorker()
    const id = nextId++
    const onAbort = (): void => resetWorker(new Error('aborted'))
    const timer = setTimeout(() => resetWorker(new DecodeTimeoutError(`${codec} decode exceeded ${opts.timeoutMs} ms`)), opts.timeoutMs)
    const done = (): void => { clearTimeout(timer); opts.signal?.removeEventListener('abort', onAbort) }
    pending.set(id, { worker: w, resolve: (r) => { done(); resolve(r) }, reject: (e) => { done(); reject(e) } })
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    w.ref()
    w.postMessage({ id, codec, encoded, bytesPerSample: opts.bytesPerSample ?? 1, frame: opts.frame })
  })
}

/**
 * Per-frame deadline: 1.5 s plus 2 s per megapixel — about ten times the slowest decode measured here
 * (RG1, 3.6 MP lossy JPEG 2000: 0.4–1.3 s), so a 20 MP mammogram gets 41.5 s and a spinning codec on a
 * small hostile frame is stopped well inside the 5 s the issue allows.
 */
export function decodeDeadlineMs(pixels: number): number {
  return Math.round(1500 + (pixels / 1_000_000) * 2000)
}
