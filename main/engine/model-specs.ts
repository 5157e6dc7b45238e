/**
 * Engine-side model bookkeeping: the registry entries, the worker spec of each, method support per
 * model, and the matrix pre-computation policy.
 */
import { join } from 'node:path'
import type { ExecutionProvider, MethodInfo } from '../core/engine/api'
import { AppError } from '../core/errors'
import type { ExplanationMethod } from '../core/explain/method'
import { getMethod, methodInfo, methods as allMethods, methodsSupportedBy } from '../core/explain/registry'
import type { ModelEntry } from '../adapters/models/registry'
import type { WorkerModelSpec } from '../worker/protocol'

/**
 * When to compute all matrices in the background after a run (docs/BENCHMARKS.md). Background work is
 * one low-priority worker job per layer (engine/background.ts): interactive jobs overtake it, so
 * `always` costs a click or a new run at most one piece (≈0.25 s on Vim-T, 2 cores) — what the app uses.
 */
export type MatricesPolicy = 'auto' | 'always' | 'never'

/**
 * `auto`: only when all matrices are cheap, because the background still burns CPU (on 2 cores it slows
 * whatever else runs) and the CLI and library callers rarely drill down. Work is `Λ·L²·E·N` (both
 * directions, triangles). Measured on 2 cores (docs/BENCHMARKS.md): Vim-T (1.1·10¹⁰) takes 3–8 s with the
 * matrices graph and ~100 s in TypeScript, so neither is automatic there; the small conformance model
 * (4.7·10⁶) is instant. Limits: 10⁹ with the graph (≈0.3 s), 5·10⁷ in TypeScript (≈0.5 s).
 */
export function shouldPrecompute(entry: ModelEntry, policy: MatricesPolicy): boolean {
  if (policy !== 'auto') return policy === 'always'
  const c = entry.card
  const E = c.outputs['delta']?.shape[3]
  const N = c.outputs['B']?.shape[3]
  if (E === undefined || N === undefined) return false
  const work = c.layers * c.tokens * c.tokens * E * N
  return work <= (entry.matricesPath !== undefined ? 1e9 : 5e7)
}

/** Methods this model's outputs can feed, in registry order. */
export function supportedMethods(entry: ModelEntry): ExplanationMethod[] {
  return methodsSupportedBy(Object.keys(entry.card.outputs))
}

/** `listMethods`: all registry methods, or those a model supports. */
export function methodInfos(entry?: ModelEntry): MethodInfo[] {
  return (entry === undefined ? [...allMethods] : supportedMethods(entry)).map(methodInfo)
}

/** Validates requested method ids for a model; default = every supported method. */
export function resolveMethods(entry: ModelEntry, ids: readonly string[] | undefined): string[] {
  const supported = supportedMethods(entry)
  if (ids === undefined || ids.length === 0) return supported.map((m) => m.id)
  const out: string[] = []
  for (const id of ids) {
    const m = getMethod(id)
    if (!supported.includes(m)) throw new AppError('explain/method-unsupported', { detail: { methodId: id, modelId: entry.id } })
    if (!out.includes(id)) out.push(id)
  }
  return out
}

/** Worker spec of a model. */
export function workerSpec(entry: ModelEntry, o: { preferProviders?: readonly ExecutionProvider[]; optimizedCacheDir?: string }): WorkerModelSpec {
  return {
    id: entry.id,
    onnxPath: entry.onnxPath,
    card: entry.card,
    ...(entry.matricesPath !== undefined ? { matricesPath: entry.matricesPath } : {}),
    ...(entry.forwardPath !== undefined ? { forwardPath: entry.forwardPath } : {}),
    ...(entry.classifierPath !== undefined ? { classifierPath: entry.classifierPath } : {}),
    ...(entry.gpuPath !== undefined ? { gpuPath: entry.gpuPath } : {}),
    ...(entry.gpuClassifierPath !== undefined ? { gpuClassifierPath: entry.gpuClassifierPath } : {}),
    ...(o.preferProviders !== undefined ? { preferProviders: o.preferProviders } : {}),
    ...(o.optimizedCacheDir !== undefined ? { optimizedCacheDir: join(o.optimizedCacheDir, 'ort-optimized') } : {}),
  }
}
