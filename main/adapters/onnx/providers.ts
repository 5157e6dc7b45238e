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
 * Providers to try, in order. `preferred` (e.g. from `--provider`) narrows and reorders the list; the CPU
 * is always appended last because it is always available and every graph op has a CPU kernel.
 * Non-bundled backends stay in the list: their libraries may have been installed next to the binding,
 * and a failed attempt costs milliseconds (measured: WebGPU without an adapter fails in ~35 ms).
 */
export function candidateProviders(supported: readonly BackendInfo[], preferred?: readonly ExecutionProvider[]): ExecutionProvider[] {
  const available = new Set(supported.map((b) => b.name))
  const order = preferred !== undefined && preferred.length > 0 ? preferred : PROVIDER_ORDER
  const out: ExecutionProvider[] = []
  for (const p of order) if ((p === 'cpu' || available.has(p)) && !out.includes(p)) out.push(p)
  if (!out.includes('cpu')) out.push('cpu')
  return out
}
