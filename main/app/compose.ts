/**
 * Composition root shared by Electron and browser mode: engine + image store + handlers + dispatcher.
 * Both modes build exactly this, so browser mode exercises the same main-process core as the desktop app.
 */
import { createEngine } from '../engine'
import { loadImageFile } from '../adapters/image-io/registry'
import { renderDisplay } from '../core/image/display'
import type { Engine } from '../core/engine/api'
import type { Logger } from '../core/log'
import type { AppInfoDto } from '../../preload/contract'
import { createDispatcher, type Dispatch } from './dispatch'
import { createHandlers, RunRegistry, type HandlerDeps } from './handlers'
import { ImageStore, type ImageIoPort } from './image-store'

export interface ServicesOptions {
  readonly mode: AppInfoDto['mode']
  readonly appVersion: string
  readonly modelsDir: string
  readonly cacheDir?: string
  readonly log: Logger
  readonly openDialog?: HandlerDeps['openDialog']
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
    // attention matrix right after each run. The cost: a run started within those seconds waits for them
    // (docs/APP.md). The engine's own default ('auto') skips them for Vim-T-sized models.
    precomputeMatrices: opts.precomputeMatrices ?? matricesPolicyFromEnv() ?? 'always',
    ...(opts.workerUrl !== undefined ? { workerUrl: opts.workerUrl } : {}),
  })
  const images = new ImageStore(imageIo)
  const runs = new RunRegistry()
  const handlers = createHandlers(
    {
      engine,
      images,
      appVersion: opts.appVersion,
      mode: opts.mode,
      log: opts.log,
      ...(opts.openDialog !== undefined ? { openDialog: opts.openDialog } : {}),
    },
    runs,
  )
  return {
    dispatch: createDispatcher(handlers, opts.log),
    engine,
    images,
    runs,
    close: async () => {
      runs.cancelAll()
      images.clear()
      await engine.close()
    },
  }
}
