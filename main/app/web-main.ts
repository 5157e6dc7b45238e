/**
 * Browser-mode entry (`npm run web`): the same services as Electron behind the loopback bridge, serving the
 * built renderer. Prints the URL (with the per-launch token in the fragment) and runs until interrupted.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { userCacheDir } from '../adapters/user-cache'
import { startBridge } from './bridge/server'
import { createServices } from './compose'
import { deferredDispatch } from './dispatch'
import { consoleSink, createAppLogger } from './logging'
import { appPaths } from './paths'

async function main(): Promise<void> {
  const paths = appPaths()
  const log = createAppLogger([consoleSink(process.env.MAMBA_LENS_LOG === 'debug' ? 'debug' : 'info')])
  const { version } = JSON.parse(readFileSync(join(paths.root, 'package.json'), 'utf8')) as { version: string }
  // Serve the page at once; calls wait for the model, and a start-up failure is shown in the page in words.
  const cacheDir = userCacheDir(process.env)
  const ready = createServices({ mode: 'browser', appVersion: version, modelsDir: paths.modelsDir, log, ...(cacheDir !== undefined ? { cacheDir } : {}) })
  ready.catch((err: unknown) => log.error('services failed to start', { error: err instanceof Error ? err.message : String(err) }))
  const port = Number(process.env.MAMBA_LENS_PORT ?? 0)
  const dispatch = deferredDispatch(ready.then((s) => s.dispatch), log)
  const bridge = await startBridge({ dispatch, staticDir: paths.rendererDir, log, port })
  // The e2e harness and the start script read this exact line to find the URL.
  process.stdout.write(`MAMBA_LENS_URL ${bridge.url}\n`)
  const stop = (): void => {
    // A worker stuck in a native call must not keep the process alive: exit after a grace period regardless.
    setTimeout(() => process.exit(0), 3000).unref()
    void bridge.close().then(() => ready.then((s) => s.close())).finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`Mamba Lens could not start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
