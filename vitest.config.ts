import { defineConfig } from 'vitest/config'
// Sets onnxruntime's telemetry switch in this process; the test forks inherit it.
import './main/adapters/onnx/telemetry.ts'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  resolve: { alias: { '@core': fileURLToPath(new URL('./main/core', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds the Vim-T conformance graphs (not committed) once, before any test file is collected.
    globalSetup: ['./scripts/conformance-model.mjs'],
    reporters: ['default'],
  },
})
