/**
 * `createEngine`: the one way the app, the browser bridge, the CLI and the bench obtain an engine.
 * Scans the model cards on the calling thread (cheap JSON), starts the inference worker lazily and, by
 * default, begins loading the default model in the background so the first explain is faster.
 */
import type { ExecutionProvider } from '../core/engine/api'
import { noopLogger, type Logger } from '../core/log'
import { defaultModel, scanModels } from '../adapters/models/registry'
import { WorkerHost } from '../worker/host'
import { WorkerEngine, type LensEngine } from './engine'
import type { BackgroundEvent } from './background'
import type { MatricesPolicy } from './model-specs'

export type { LensDrilldownResult, LensEngine, ModelLoadInfo } from './engine'
export type { BackgroundEvent, MatricesStatus } from './background'
export type { MatricesPolicy } from './model-specs'

/** Options of {@link createEngine}. */
export interface CreateEngineOptions {
  /** Folder with `<id>.json` cards and their `.onnx` graphs. */
  readonly modelsDir: string
  /** Writable folder for caches (optimised graphs when enabled). */
  readonly cacheDir?: string
  readonly logger?: Logger
  /** Execution-provider order to try; CPU is always the last resort. */
  readonly preferProviders?: readonly ExecutionProvider[]
  /**
   * Save ORT's optimised graph under `cacheDir` and load it next time (default true when `cacheDir`
   * is given). Measured on Vim-T, 2 cores: session creation ≈850 → ≈450 ms, identical outputs
   * (docs/BENCHMARKS.md).
   */
  readonly optimizedGraphCache?: boolean
  /**
   * Background computation of all matrices after each run, one layer per low-priority worker job that
   * any interactive job overtakes (default 'auto': only for models where that is cheap; model-specs.ts).
   */
  readonly precomputeMatrices?: MatricesPolicy
  /** Observer of the background matrices (bench, tests, diagnostics). */
  readonly onBackground?: (e: BackgroundEvent) => void
  /** Runs kept for drill-down (engine records and worker factor cache). Default 6. */
  readonly runCacheSize?: number
  /** Start loading the default model right away (default true). */
  readonly preload?: boolean
  /** Built worker entry (packaged app); default: next to the engine sources. */
  readonly workerUrl?: URL
  /** How long a cancelled job may take to stop before its worker is replaced (WorkerHost; default 10 s). */
  readonly cancelGraceMs?: number
}

/** Creates an engine. Never throws for a bad model: bad cards are skipped with a warning. */
export async function createEngine(options: CreateEngineOptions): Promise<LensEngine> {
  const log = options.logger ?? noopLogger
  const entries = scanModels(options.modelsDir, log)
  const runCacheSize = options.runCacheSize ?? 6
  const host = new WorkerHost({
    logger: log,
    runCacheSize,
    ...(options.workerUrl !== undefined ? { workerUrl: options.workerUrl } : {}),
    ...(options.cancelGraceMs !== undefined ? { cancelGraceMs: options.cancelGraceMs } : {}),
  })
  const engine = new WorkerEngine(entries, host, {
    ...(options.preferProviders !== undefined ? { preferProviders: options.preferProviders } : {}),
    ...(options.optimizedGraphCache !== false && options.cacheDir !== undefined ? { optimizedCacheDir: options.cacheDir } : {}),
    matrices: options.precomputeMatrices ?? 'auto',
    // The main side keeps inputs (600 KB each for 224²) a little longer than the worker keeps factors.
    runRecords: Math.max(runCacheSize, 2 * runCacheSize),
    ...(options.onBackground !== undefined ? { onBackground: options.onBackground } : {}),
  }, log)
  const first = defaultModel(entries)
  if (options.preload !== false && first !== undefined) {
    engine.load(first.id).catch((e: unknown) => {
      // Preloading is an optimisation; the first explain reports the same failure with its code.
      log.warn('default model preload failed', { id: first.id, code: (e as { code?: unknown }).code })
    })
  }
  return engine
}
