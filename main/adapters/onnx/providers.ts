/**
 * Execution-provider choice (STYLE.md §1.4): a fixed preference order, filtered by what this
 * onnxruntime-node build reports in `listSupportedBackends()`, tried one after the other by the session
 * factory. Kept free of ORT imports so the choice logic is testable with a fake backend list.
 */
import type { ExecutionProvider } from '../../core/engine/api'

/** Preference order: CUDA → DirectML → WebGPU → CPU. */
export const PROVIDER_ORDER: readonly ExecutionProvider[] = ['cuda', 'dml', 'webgpu', 'cpu']

/** One entry of onnxruntime-node's `listSupportedBackends()`. */
export interface BackendInfo {
  readonly name: string
  /** false: the EP library is not shipped in the npm package (e.g. CUDA on Linux) and may be missing. */
  readonly bundled: boolean
}

/** Type guard for user/config input. */
export function isExecutionProvider(value: unknown): value is ExecutionProvider {
  return typeof value === 'string' && (PROVIDER_ORDER as readonly string[]).includes(value)
}

/**
 * Providers to try, in order. Without `preferred`: PROVIDER_ORDER filtered by what this build lists, the
 * CPU last because it is always available and every graph op has a CPU kernel. Non-bundled backends stay
 * in the list: their libraries may have been installed next to the binding, and a failed attempt costs
 * milliseconds (measured: WebGPU without an adapter fails in ~35 ms).
 * With `preferred` (e.g. `--provider cuda`): exactly those, de-duplicated, unfiltered and with no CPU
 * added — asking for a provider that cannot load is an error naming it, never a silent CPU run
 * (`--provider cuda,cpu` asks for the fallback explicitly).
 */
export function candidateProviders(supported: readonly BackendInfo[], preferred?: readonly ExecutionProvider[]): ExecutionProvider[] {
  if (preferred !== undefined && preferred.length > 0) return [...new Set(preferred)]
  const available = new Set(supported.map((b) => b.name))
  return PROVIDER_ORDER.filter((p) => p === 'cpu' || available.has(p))
}
