/**
 * ORT session creation with execution-provider fallback (STYLE.md §1.4) and an optional cache of the
 * ORT-optimised graph. One session per (model, provider); the caller owns it and must `release()` it.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import * as ort from './runtime'
import type { ExecutionProvider } from '../../core/engine/api'
import { AppError } from '../../core/errors'
import { noopLogger, type Logger } from '../../core/log'
import { exactGpuArithmetic } from './gpu-env'
import { bindingDir, CUDA_PROVIDER_LIB } from './gpu-libs'
import { candidateProviders, type BackendInfo } from './providers'

/** The session surface the rest of the app uses (a structural subset of `ort.InferenceSession`). */
export type OrtSession = Pick<ort.InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata' | 'run' | 'release'>

/** Creates a session for one provider; injectable so the fallback logic can be tested with fakes. */
export type SessionFactory = (model: Uint8Array, provider: ExecutionProvider, options: ort.InferenceSession.SessionOptions) => Promise<OrtSession>

/** One provider tried while opening a session. */
export interface ProviderAttempt {
  readonly provider: ExecutionProvider
  readonly ok: boolean
  readonly durationMs: number
  /** First line of the error, without paths. */
  readonly error?: string
}

/** One in-memory external-data file for ORT (`path`: the name the graph's initializers use as location). */
export interface ExternalWeights {
  readonly path: string
  readonly data: Uint8Array
}

/** Options of {@link openSession}. */
export interface OpenSessionOptions {
  /** Requested order (e.g. `--provider`); filtered by `backends`. Default: PROVIDER_ORDER. */
  readonly preferProviders?: readonly ExecutionProvider[]
  /** Defaults to onnxruntime-node's `listSupportedBackends()`. */
  readonly backends?: readonly BackendInfo[]
  readonly logger?: Logger
  readonly factory?: SessionFactory
  /**
   * Folder for ORT-optimised graphs, keyed by model sha256 + provider + ORT version. Only worth it when
   * optimisation dominates session creation (docs/BENCHMARKS.md); off when absent.
   */
  readonly optimizedCacheDir?: string
  /** sha256 of `model` (hex), required for the optimised-graph cache key. */
  readonly modelSha256?: string
  readonly intraOpNumThreads?: number
  /**
   * ORT's CPU memory arena (default on). Off for graphs run rarely with big intermediates (the
   * matrices graph): the arena would keep their peak (≈1.6 GB for Vim-T) for the session's life.
   */
  readonly memoryArena?: boolean
  /**
   * In-memory files the graph's external-data initializers name (a variant graph's shared weights: the
   * explainer's bytes, adapters/models/shared-weights.ts).
   */
  readonly externalData?: readonly ExternalWeights[]
}

/** An open session plus how it was obtained. */
export interface OpenedSession {
  readonly session: OrtSession
  readonly provider: ExecutionProvider
  readonly attempts: readonly ProviderAttempt[]
  readonly createMs: number
  /**
   * 'hit': loaded the cached optimised graph; 'miss': a cache folder is set but holds no usable entry
   * (the session was optimised now; {@link storeOptimizedGraph} can fill the cache later); 'off'.
   */
  readonly optimizedCache: 'hit' | 'miss' | 'off'
}

/** Default factory: the real onnxruntime-node. */
export const ortFactory: SessionFactory = async (model, _provider, options) => ort.InferenceSession.create(model, options)

const PROVIDER_LIBS: Readonly<Record<string, string>> = {
  cuda: CUDA_PROVIDER_LIB,
  tensorrt: process.platform === 'win32' ? 'onnxruntime_providers_tensorrt.dll' : 'libonnxruntime_providers_tensorrt.so',
}

/**
 * Whether a non-bundled backend's library sits next to the binding. Trying a missing one makes ORT
 * print an error with the install path to stderr, so we skip it when we can tell it is absent; when the
 * folder cannot be located (packaged app layouts) we keep the backend and let the attempt decide.
 */
function isInstalled(name: string): boolean {
  const lib = PROVIDER_LIBS[name]
  if (lib === undefined) return true
  const bin = bindingDir()
  return bin === null || existsSync(join(bin, lib))
}

/** onnxruntime-node's backend list, without non-bundled backends whose library is missing. */
export function ortBackends(): BackendInfo[] {
  return ort.listSupportedBackends()
    .filter((b) => b.bundled || isInstalled(b.name))
    .map((b) => ({ name: b.name, bundled: b.bundled }))
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  // ORT messages start with a source path of the build machine; keep the reason only.
  const line = text.split('\n')[0] ?? ''
  let reason = line
  for (const marker of ['] ', 'was false. ']) {
    const i = line.lastIndexOf(marker)
    if (i >= 0 && line.length - i - marker.length < reason.length) reason = line.slice(i + marker.length)
  }
  return reason.replace(/\/[^\s:]+/g, '<path>').slice(0, 200)
}

function baseOptions(provider: ExecutionProvider, o: Pick<OpenSessionOptions, 'intraOpNumThreads' | 'memoryArena' | 'externalData'>): ort.InferenceSession.SessionOptions {
  const threads = o.intraOpNumThreads
  return {
    ...(o.memoryArena !== false ? {} : { enableCpuMemArena: false, enableMemPattern: false }),
    ...(o.externalData !== undefined && o.externalData.length > 0 ? { externalData: [...o.externalData] } : {}),
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    // 3 = error: ORT's warnings (e.g. unused initialisers) would otherwise land on the CLI's stderr.
    logSeverityLevel: 3,
    // Flush subnormals to zero: decays exp(ΔA) of long spans fall below 1e-38 and x86 arithmetic on
    // subnormal floats is ~100× slower (all matrices: 2.1 s → 1.2 s on the 2-core VM, results equal to
    // 1e-37). Values that small are far below float32 resolution of every output.
    extra: { session: { set_denormal_as_zero: '1' } },
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
  }
}

interface CachePaths { readonly file: string; readonly sum: string }

/**
 * Cache key: model, provider, ORT version and the CPU. Level-'all' optimisations can be specific to
 * the instruction set they were made on (ORT docs, "offline mode"), so a copied profile must miss.
 * ORT's own format (`.ort`): it loads in 0.40–0.48 s against 0.62–0.70 s for the same optimised graph
 * saved as ONNX (Vim-T, 2 cores; docs/BENCHMARKS.md).
 */
function cachePaths(dir: string, sha: string, provider: ExecutionProvider): CachePaths {
  const machine = createHash('sha256').update(`${process.arch}|${cpus()[0]?.model ?? ''}`).digest('hex').slice(0, 8)
  const name = `${sha.slice(0, 32)}.${provider}.${machine}.ort${ort.env.versions.common ?? 'x'}.ort`
  return { file: join(dir, name), sum: join(dir, `${name}.sha256`) }
}

/** Reads a cached optimised graph if its own checksum still matches (a damaged cache is ignored). */
function readCached(paths: CachePaths, log: Logger): Uint8Array | null {
  if (!existsSync(paths.file) || !existsSync(paths.sum)) return null
  const bytes = readFileSync(paths.file)
  const ok = createHash('sha256').update(bytes).digest('hex') === readFileSync(paths.sum, 'utf8').trim()
  if (!ok) log.warn('optimised-graph cache entry is damaged; rebuilding it')
  return ok ? bytes : null
}

async function tryProvider(model: Uint8Array, provider: ExecutionProvider, o: OpenSessionOptions, log: Logger): Promise<{ session: OrtSession; cache: OpenedSession['optimizedCache'] }> {
  const factory = o.factory ?? ortFactory
  const opts = baseOptions(provider, o)
  if (o.optimizedCacheDir === undefined || o.modelSha256 === undefined) return { session: await factory(model, provider, opts), cache: 'off' }
  const paths = cachePaths(o.optimizedCacheDir, o.modelSha256, provider)
  const cached = readCached(paths, log)
  if (cached !== null) {
    try {
      // The cached graph is already optimised for this provider; optimising again only costs time.
      return { session: await factory(cached, provider, { ...opts, graphOptimizationLevel: 'disabled' }), cache: 'hit' }
    } catch (e) {
      log.warn('cached optimised graph failed to load; using the original', { provider, reason: firstLine(e) })
    }
  }
  // Nothing cached yet (a first launch). Saving the optimised graph costs ~0.7 s more than optimising
  // alone (Vim-T): not on the way to the first result; the model pool stores it afterwards in a thread of
  // its own (optimize-thread.ts). On the CPU this session skips ORT's optimiser too: for Vim-T it takes
  // 1.0–1.3 s of a 1.6–1.9 s session creation, while the unoptimised graph runs ≈10–15 % slower
  // (docs/BENCHMARKS.md) — until the next launch loads the saved graph. Other providers keep level
  // 'all': their unoptimised graphs can be far slower, and whether ORT can save theirs is not known.
  return { session: await factory(model, provider, provider === 'cpu' ? { ...opts, graphOptimizationLevel: 'disabled' } : opts), cache: 'miss' }
}

/** Temporaries of writers that were stopped (the app quit mid-write): gone after an hour. */
function removeStaleTemporaries(dir: string): void {
  for (const f of readdirSync(dir)) {
    const path = join(dir, f)
    if (f.endsWith('.tmp.ort') && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true })
  }
}

/** What {@link storeOptimizedGraph} needs: the cache folder and key, and the session's options. */
export type StoreOptions = Required<Pick<OpenSessionOptions, 'optimizedCacheDir' | 'modelSha256'>> & Pick<OpenSessionOptions, 'intraOpNumThreads' | 'memoryArena' | 'factory'>

/**
 * Optimises `model` for `provider` once more and saves the result as the cache entry that
 * {@link openSession} loads next time (written under a temporary name, then renamed with its checksum,
 * so a reader never sees half a file). Blocks its thread for the whole optimisation: run it off the
 * inference worker's job loop. Returns 'off' when ORT wrote nothing.
 */
export async function storeOptimizedGraph(model: Uint8Array, provider: ExecutionProvider, o: StoreOptions): Promise<'stored' | 'off'> {
  const paths = cachePaths(o.optimizedCacheDir, o.modelSha256, provider)
  mkdirSync(o.optimizedCacheDir, { recursive: true })
  removeStaleTemporaries(o.optimizedCacheDir)
  // ORT picks the format from the extension: the temporary name must end in .ort too.
  const tmp = `${paths.file}.${process.pid}.${Date.now()}.tmp.ort`
  try {
    const session = await (o.factory ?? ortFactory)(model, provider, { ...baseOptions(provider, o), optimizedModelFilePath: tmp })
    await session.release()
    if (!existsSync(tmp)) return 'off'
    const sum = createHash('sha256').update(readFileSync(tmp)).digest('hex')
    writeFileSync(`${paths.sum}.tmp`, sum)
    renameSync(tmp, paths.file)
    renameSync(`${paths.sum}.tmp`, paths.sum)
    return 'stored'
  } finally {
    rmSync(tmp, { force: true })
  }
}

/**
 * Opens `model` on the first provider that works, in the order of {@link candidateProviders}. Each
 * failure is logged as a warning (the app then shows the provider actually used). All failing is
 * `model/load-failed` with the attempts in `detail`, or `model/provider-unavailable` when providers were
 * asked for by name without the CPU (`--provider cuda`): then the failure is the provider's, not the model's,
 * and its reasons are logged as an error so that the CLI shows them.
 */
export async function openSession(model: Uint8Array, o: OpenSessionOptions = {}): Promise<OpenedSession> {
  const log = o.logger ?? noopLogger
  exactGpuArithmetic()
  const providers = candidateProviders(o.backends ?? ortBackends(), o.preferProviders)
  const attempts: ProviderAttempt[] = []
  const t0 = performance.now()
  let lastError: unknown
  for (const provider of providers) {
    const t = performance.now()
    try {
      const { session, cache } = await tryProvider(model, provider, o, log)
      attempts.push({ provider, ok: true, durationMs: performance.now() - t })
      if (attempts.length > 1) {
        const failed = attempts.filter((a) => !a.ok).map((a) => `${a.provider}: ${a.error ?? 'failed'}`)
        log.warn('execution provider fallback', { provider, failed })
      }
      return { session, provider, attempts, createMs: performance.now() - t0, optimizedCache: cache }
    } catch (e) {
      lastError = e
      const error = firstLine(e)
      attempts.push({ provider, ok: false, durationMs: performance.now() - t, error })
      // One warn per load (the fallback summary above) is enough; each attempt is info.
      log.info('execution provider failed', { provider, reason: error })
    }
  }
  if (o.preferProviders !== undefined && o.preferProviders.length > 0 && !providers.includes('cpu')) {
    log.error('requested execution provider could not load', { failed: attempts.map((a) => `${a.provider}: ${a.error ?? 'failed'}`) })
    throw new AppError('model/provider-unavailable', { detail: { attempts }, cause: lastError })
  }
  throw new AppError('model/load-failed', { detail: { attempts }, cause: lastError })
}
