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
    reporters: ['verbose'],
  },
})
