/**
 * Where things are on disk, for both entry points. The repository root is found from this module's location
 * (the source file under tsx, or out/main after a build), so it never depends on the shell's current folder.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Nearest folder above `from` that holds package.json. */
export function findRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${from}`)
    dir = up
  }
}

export interface AppPaths {
  readonly root: string
  readonly modelsDir: string
  readonly rendererDir: string
  readonly preloadFile: string
}

/** `MAMBA_LENS_MODELS_DIR` lets a packaged app or a test point at another models folder. */
export function appPaths(root: string = findRoot()): AppPaths {
  return {
    root,
    modelsDir: process.env.MAMBA_LENS_MODELS_DIR ?? join(root, 'models'),
    rendererDir: join(root, 'out', 'renderer'),
    preloadFile: join(root, 'out', 'preload', 'index.cjs'),
  }
}
