/**
 * `mamba-lens doctor`: which execution providers load here, which GPU libraries were found, and which
 * provider the fallback chain picks. Each provider opens the model's explainer graph on its own (no
 * fallback) and runs it once on a fixed input; the logits are compared with the CPU's, so a provider
 * that loads but computes something else shows up too.
 */
import { readFileSync } from 'node:fs'
import * as ort from '../adapters/onnx/runtime'
import type { ExecutionProvider } from '../core/engine/api'
import { cudaLibraryReport, foldersHolding, type CudaLibraryReport } from '../adapters/onnx/gpu-libs'
import { PROVIDER_ORDER } from '../adapters/onnx/providers'
import { openSession, ortBackends } from '../adapters/onnx/session'
import type { ModelEntry } from '../adapters/models/registry'
import { targetInputName } from '../adapters/models/card'
import { EXIT, type ExitCode } from './exit-codes'
import type { DoctorArgs } from './args'

/** One provider's attempt: opened and ran, or the first line of why not. */
export interface ProviderCheck {
  readonly provider: ExecutionProvider
  readonly ok: boolean
  readonly error?: string
  readonly sessionMs?: number
  readonly runMs?: number
  /** max |logits − CPU logits| / max |CPU logits| (absent for the CPU itself or when the CPU failed). */
  readonly logitsRelErrVsCpu?: number
}

export interface DoctorReport {
  readonly onnxruntime: string
  readonly platform: string
  readonly model: { readonly id: string; readonly sha256: string }
  /** Backends this onnxruntime-node build lists, `bundled: false` = its library is installed separately. */
  readonly backends: readonly { readonly name: string; readonly bundled: boolean }[]
  readonly cuda: CudaLibraryReport & { readonly foldersWithMissing: readonly string[] }
  /** NVIDIA_TF32_OVERRIDE as the GPU libraries see it ('0': TF32 off, see adapters/onnx/gpu-env.ts). */
  readonly tf32Override: string | null
  readonly providers: readonly ProviderCheck[]
  /** The provider the app and `explain` use without --provider (first that works in the fallback order). */
  readonly chosen: ExecutionProvider | null
}

/** The same fixed input for every provider: a smooth pattern in the card's input shape, target = argmax. */
function feeds(entry: ModelEntry): Record<string, ort.Tensor> {
  const shape = [...entry.card.input.shape]
  const size = shape.reduce((a, b) => a * b, 1)
  const image = new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.001)), shape)
  const out: Record<string, ort.Tensor> = { [entry.card.input.name]: image }
  if (entry.card.target !== undefined) out[targetInputName(entry.card)] = new ort.Tensor('float32', new Float32Array(entry.card.classes.length), [entry.card.classes.length])
  return out
}

async function check(bytes: Uint8Array, entry: ModelEntry, provider: ExecutionProvider): Promise<ProviderCheck & { logits?: Float32Array }> {
  const t = performance.now()
  try {
    const opened = await openSession(bytes, { preferProviders: [provider] })
    const sessionMs = performance.now() - t
    try {
      const r = performance.now()
      const out = await opened.session.run(feeds(entry), ['logits'])
      return { provider, ok: true, sessionMs, runMs: performance.now() - r, logits: out['logits']!.data as Float32Array }
    } finally {
      await opened.session.release()
    }
  } catch (e) {
    const attempt = (e as { detail?: { attempts?: { error?: string }[] } }).detail?.attempts?.[0]
    return { provider, ok: false, error: attempt?.error ?? (e instanceof Error ? e.message.split('\n')[0] : String(e)) }
  }
}

function relErr(a: Float32Array, ref: Float32Array): number {
  let num = 0
  let den = 0
  for (let i = 0; i < ref.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - ref[i]!))
    den = Math.max(den, Math.abs(ref[i]!))
  }
  return num / den
}

export async function doctorReport(entry: ModelEntry, requested?: readonly ExecutionProvider[]): Promise<DoctorReport> {
  const backends = ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }))
  const order = requested ?? PROVIDER_ORDER.filter((p) => p === 'cpu' || backends.some((b) => b.name === p))
  const bytes = readFileSync(entry.onnxPath)
  // CPU first: the reference the others are compared with.
  const installed = new Set(ortBackends().map((b) => b.name))
  const runs = new Map<ExecutionProvider, ProviderCheck & { logits?: Float32Array }>()
  for (const p of ['cpu' as const, ...order.filter((p) => p !== 'cpu')]) {
    if (!order.includes(p)) continue
    // Not asked for by name and its library is absent: say so rather than let ORT print a load error.
    const skip = requested === undefined && p !== 'cpu' && !installed.has(p)
    runs.set(p, skip ? { provider: p, ok: false, error: 'provider library not installed next to the binding (npm run setup:gpu)' } : await check(bytes, entry, p))
  }
  const cpu = runs.get('cpu')?.logits
  const providers = order.map((p) => {
    const { logits, ...c } = runs.get(p)!
    return logits !== undefined && cpu !== undefined && p !== 'cpu' ? { ...c, logitsRelErrVsCpu: relErr(logits, cpu) } : c
  })
  const cuda = cudaLibraryReport()
  const chosen = PROVIDER_ORDER.find((p) => (p === 'cpu' || installed.has(p)) && providers.some((c) => c.provider === p && c.ok)) ?? null
  return {
    onnxruntime: ort.env.versions.common ?? 'unknown', platform: `${process.platform}-${process.arch}`,
    model: { id: entry.id, sha256: entry.card.sha256 }, backends,
    cuda: { ...cuda, foldersWithMissing: cuda.missing.length > 0 ? foldersHolding(cuda.missing) : [] },
    tf32Override: process.env['NVIDIA_TF32_OVERRIDE'] ?? null, providers, chosen,
  }
}

function text(r: DoctorReport): string {
  const lines = [
    `onnxruntime-node ${r.onnxruntime} (${r.platform}); model ${r.model.id}`,
    `backends in this build: ${r.backends.map((b) => `${b.name}${b.bundled ? '' : ' (library installed separately)'}`).join(', ')}`,
  ]
  const c = r.cuda
  if (!c.supported) lines.push('CUDA provider: not offered for this platform by this setup (Windows: DirectML is built in; docs/GPU.md)')
  else if (c.providerLib === null) lines.push(`CUDA provider: not installed next to the binding${c.bindingDir !== null ? ` (${c.bindingDir})` : ''}: run \`npm run setup:gpu\``)
  else {
    lines.push(`CUDA provider: ${c.providerLib}`)
    for (const l of c.libraries) lines.push(`  ${l.name.padEnd(40)} ${l.path ?? 'NOT FOUND'}`)
    if (c.missing.length > 0) {
      lines.push(`  missing: ${c.missing.join(', ')} (CUDA 13 and cuDNN 9)`)
      lines.push(c.foldersWithMissing.length > 0
        ? `  found on this machine in: export LD_LIBRARY_PATH=${c.foldersWithMissing.join(':')}`
        : '  not found in /usr/local, /opt or /usr/lib: install the CUDA 13 toolkit and cuDNN 9 (or NVIDIA\'s pip wheels) and set LD_LIBRARY_PATH')
    }
  }
  lines.push(`TF32 on the GPU: ${r.tf32Override === '0' ? 'off (NVIDIA_TF32_OVERRIDE=0)' : `NVIDIA_TF32_OVERRIDE=${r.tf32Override ?? 'unset'} (on: results differ from the CPU beyond the conformance tolerances)`}`)
  lines.push('providers (each alone, one run of the explainer graph on a fixed input):')
  for (const p of r.providers) {
    lines.push(p.ok
      ? `  ${p.provider.padEnd(7)} ok      session ${Math.round(p.sessionMs ?? 0)} ms, run ${Math.round(p.runMs ?? 0)} ms${p.logitsRelErrVsCpu !== undefined ? `, logits vs CPU ${p.logitsRelErrVsCpu.toExponential(1)}` : ''}`
      : `  ${p.provider.padEnd(7)} failed  ${p.error ?? ''}`)
  }
  lines.push(`runs on: ${r.chosen ?? 'nothing'} (the first that works of ${PROVIDER_ORDER.join(' → ')}; --provider overrides)`)
  return lines.join('\n')
}

/** Exit 4 (model/provider) when a provider asked for by name fails, or none works; else 0. */
export async function doctorCommand(cmd: DoctorArgs, entry: ModelEntry, stdout: { write(s: string): unknown }): Promise<ExitCode> {
  const report = await doctorReport(entry, cmd.providers)
  stdout.write(cmd.json ? `${JSON.stringify(report, null, 2)}\n` : `${text(report)}\n`)
  const failedAsked = cmd.providers !== undefined && report.providers.some((p) => !p.ok)
  return failedAsked || report.chosen === null ? EXIT.model : EXIT.ok
}

