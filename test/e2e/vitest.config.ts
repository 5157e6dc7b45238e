/**
 * E2E runner: Vitest drives playwright-core (the repository has no @playwright/test). One file at a time:
 * each spec starts its own browser-mode app and the inference worker wants the CPU to itself.
 */
import { defineConfig } from 'vitest/config'
// Sets onnxruntime's telemetry switch in this process; the test forks inherit it.
import '../../main/adapters/onnx/telemetry.ts'

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.spec.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
    // The specs run the Vim-T conformance model, whose graphs are built, not committed.
    globalSetup: ['./scripts/conformance-model.mjs'],
    reporters: ['verbose'],
  },
})
