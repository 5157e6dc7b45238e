/**
 * Build of the three processes (STYLE.md §2.1): entries set explicitly, preload as ONE CommonJS file (a
 * sandboxed preload can load neither ESM nor npm packages), renderer with the `@core` alias for the pure UI
 * maths in main/core. `rendererConfig` is also the browser-mode build (renderer/vite.config.ts re-exports it),
 * so both modes serve the very same page.
 */
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { UserConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))
const coreAlias = { '@core': resolve(root, 'main/core') }

export const rendererConfig: UserConfig = {
  root: resolve(root, 'renderer'),
  base: './',
  plugins: [react()],
  resolve: { alias: coreAlias },
  build: {
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    // Small enough unminified; readable stack traces in the log are worth more than the bytes.
    minify: false,
    rolldownOptions: { input: resolve(root, 'renderer/index.html') },
  },
}

export default defineConfig({
  main: {
    resolve: { alias: coreAlias },
    build: {
      outDir: resolve(root, 'out/main'),
      // The inference worker is its own entry: the engine starts `entry.js` next to the main bundle; the
      // figure export runs in `export-worker.js` (main/app/export/export-thread.ts).
      rolldownOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          entry: resolve(root, 'main/worker/entry.ts'),
          // Writes the optimised-graph cache off the inference worker's job loop (main/worker/optimize-thread.ts).
          'optimize-worker': resolve(root, 'main/worker/optimize-worker.ts'),
          // The batch classifier's second lane (main/worker/classifier-lane.ts), started by the inference worker.
          'classifier-lane-worker': resolve(root, 'main/worker/classifier-lane-worker.ts'),
          'export-worker': resolve(root, 'main/app/export/export-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // Everything (the contract included) inlined into one file: the sandbox cannot `require` siblings.
      isolatedEntries: true,
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
})
