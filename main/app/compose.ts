/**
 * Composition root shared by Electron and browser mode: engine + image store + handlers + dispatcher.
 * Both modes build exactly this, so browser mode exercises the same main-process core as the desktop app.
 */
import { createEngine } from '../engine'
import { loadImageFile } from '../adapters/image-io/registry'
import { renderDisplay } from '../core/image/display'
import { scanInputPolicyOf } from '../core/image/model-input'
import type { Engine } from '../core/engine/api'
import type { Logger } from '../core/log'
import type { AppInfoDto } from '../../preload/contract'
import { join } from 'node:path'
import { createDispatcher, type Dispatch } from './dispatch'
import { linkageSalt } from './export/export-folder'
import { exportInWorker, type ExportRunner } from './export/export-thread'
import { createHandlers, RunRegistry, type HandlerDeps } from './handlers'
import { ImageStore, type ImageIoPort } from './image-store'
import { RunStore } from './run-store'

export interface ServicesOptions {
  readonly mode: AppInfoDto['mode']
  readonly appVersion: string
  readonly modelsDir: string
  readonly cacheDir?: string
  readonly log: Logger
  readonly openDialog?: HandlerDeps['openDialog']
  /**
   * Output folder of an export: Electron's native folder dialog (null = cancelled). Without it (browser
   * mode) the files go back to the page, which the browser downloads (export/download.ts).
   */
  readonly chooseExportFolder?: () => Promise<string | null>
  /** Where the app keeps small state (the linkage salt): Electron's userData; default `<cwd>/.mamba-lens`. */
  readonly stateDir?: string
  /** How exports run; default: a worker thread per export (off main's event loop). */
  readonly runExport?: ExportRunner
  /** Background attention matrices after each run (default 'always' for the interactive app). */
  readonly precomputeMatrices?: 'auto' | 'always' | 'never'
  /** Built inference-worker entry (Electron bundle); from source, the engine finds its own. */
  readonly workerUrl?: URL
}

export interface Services {
  readonly dispatch: Dispatch
  readonly engine: Engine
  readonly images: ImageStore
  readonly runs: RunRegistry
  readonly runStore: RunStore
  close(): Promise<void>
}

/** The real image loaders behind the store's port. */
export const imageIo: ImageIoPort = {
  load: (bytes, opts) => loadImageFile(bytes, opts),
  render: (scan, opts) => renderDisplay(scan, opts),
}

/** `MAMBA_LENS_MATRICES=auto|always|never` overrides when attention matrices are precomputed (docs/APP.md). */
function matricesPolicyFromEnv(): ServicesOptions['precomputeMatrices'] {
  const v = process.env.MAMBA_LENS_MATRICES
  return v === 'auto' || v === 'always' || v === 'never' ? v : undefined
}

export async function createServices(opts: ServicesOptions): Promise<Services> {
  const engine = await createEngine({
    modelsDir: opts.modelsDir,
    ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
    logger: opts.log.child('engine'),
    // The interactive app wants drill-downs as lookups (≤ 50 ms budget), so it has the engine compute every
    // attention matrix after each run. The engine does that in the background, one layer per low-priority
    // job: a click or a new run waits for at most the piece in flight, and a click before the last piece
    // looks up the finished layers and computes the rest (docs/BENCHMARKS.md). The engine's own default
    // ('auto') skips them for Vim-T-sized models; MAMBA_LENS_MATRICES overrides.
    precomputeMatrices: opts.precomputeMatrices ?? matricesPolicyFromEnv() ?? 'always',
    ...(opts.workerUrl !== undefined ? { workerUrl: opts.workerUrl } : {}),
  })
  // The model card fixes how a scan becomes model input (issue 15); the reader's display never does.
  const images = new ImageStore(imageIo, {
    scanInputPolicy: (modelId) => scanInputPolicyOf((engine.listModels().find((m) => (modelId === undefined ? m.isDefault : m.id === modelId)) ?? engine.listModels()[0])?.card),
  })
  const runs = new RunRegistry()
  const exportsInFlight = new RunRegistry()
  const runStore = new RunStore()
  const stateDir = opts.stateDir ?? join(process.cwd(), '.mamba-lens')
  const handlers = createHandlers(
    {
      engine,
      images,
      appVersion: opts.appVersion,
      mode: opts.mode,
      log: opts.log,
      ...(opts.openDialog !== undefined ? { openDialog: opts.openDialog } : {}),
      runStore,
      exports: {
        destination: opts.chooseExportFolder !== undefined ? { kind: 'folder', choose: opts.chooseExportFolder } : { kind: 'download' },
        linkageSalt: () => linkageSalt(stateDir),
        runExport: opts.runExport ?? exportInWorker(opts.log),
      },
    },
    runs,
    exportsInFlight,
  )
  return {
    dispatch: createDispatcher(handlers, opts.log),
    engine,
    images,
    runs,
    runStore,
    close: async () => {
      runs.cancelAll()
      exportsInFlight.cancelAll()
      runStore.clear()
      images.clear()
      await engine.close()
    },
  }
}
