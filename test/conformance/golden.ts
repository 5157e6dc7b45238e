/**
 * Locations of the golden fixtures (../shared/conformance, README there) and of the conformance
 * graphs, plus the reason a suite must be skipped when something is absent (never pass silently).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root (this file is test/conformance/golden.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Golden directory; override with MAMBA_LENS_GOLDEN_DIR. */
export const GOLDEN_DIR =
  process.env['MAMBA_LENS_GOLDEN_DIR'] ?? resolve(REPO_ROOT, '..', 'shared', 'conformance', 'vim-official-seed1234')

export const TINY_GOLDEN = resolve(GOLDEN_DIR, 'vim_tiny_golden.npz')
export const SMALL_GOLDEN = resolve(GOLDEN_DIR, 'vim_small_tokens_golden.npz')
export const META = resolve(GOLDEN_DIR, 'meta.json')
/** The Vim-T explainer graph; MAMBA_LENS_TINY_GRAPH checks another build of it (the GPU variant, docs/GPU.md). */
export const TINY_GRAPH = process.env['MAMBA_LENS_TINY_GRAPH'] ?? resolve(REPO_ROOT, 'models', 'vim-tiny-conformance.onnx')
export const SMALL_GRAPH = resolve(REPO_ROOT, 'test', 'fixtures', 'models', 'vim-small-tokens-conformance.onnx')

/** `null` when every path exists, else a sentence naming what is missing (for the suite title). */
export function missingReason(paths: readonly string[]): string | null {
  const missing = paths.filter((p) => !existsSync(p))
  if (missing.length === 0) return null
  return `SKIPPED: missing ${missing.map((p) => p.replace(REPO_ROOT + '/', '')).join(', ')}`
}

/** Suite title with the skip reason appended when skipped. */
export function titled(title: string, reason: string | null): string {
  return reason === null ? title : `${title} — ${reason}`
}

/** `meta.json` fields used here. */
export interface GoldenMeta {
  readonly argmax: readonly number[]
}

export function readMeta(): GoldenMeta {
  return JSON.parse(readFileSync(META, 'utf8')) as GoldenMeta
}
