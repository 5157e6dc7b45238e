/**
 * Where onnxruntime-node's native libraries live and whether the CUDA provider's libraries are there
 * (used by `mamba-lens doctor`, which `npm run setup:gpu` runs last). The CUDA provider is not in the npm
 * package: setup:gpu copies `libonnxruntime_providers_cuda.so` next to `libonnxruntime.so.1`, and that
 * library needs CUDA 13's cuBLAS, runtime and cuRAND and cuDNN 9 from the system (docs/GPU.md).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const CUDA_PROVIDER_LIB = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'

/** onnxruntime-node's binary folder for this platform, or null where it cannot be located (bundled apps). */
export function bindingDir(): string | null {
  try {
    const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'))
    const dir = join(dist, '..', 'bin', 'napi-v6', process.platform, process.arch)
    return existsSync(dir) ? dir : null
  } catch {
    // Resolution fails inside bundles; callers then let a session attempt decide.
    return null
  }
}

/** One shared library a provider links against: where the loader finds it, or null. */
export interface LinkedLibrary {
  readonly name: string
  readonly path: string | null
}

/** `ldd` output → the libraries it lists (the loader's own lines without `=>` are left out). */
export function parseLdd(text: string): LinkedLibrary[] {
  const out: LinkedLibrary[] = []
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+=>\s+(not found|(\S+))/.exec(line)
    if (m !== null) out.push({ name: m[1]!, path: m[2] === 'not found' ? null : m[3]! })
  }
  return out
}

/**
 * cuDNN 9: the provider opens it at run time (dlopen), and cuDNN opens its parts the same way, so `ldd` of
 * the provider lists none of them; they are looked up where the loader looks.
 */
const CUDNN = ['libcudnn.so.9', 'libcudnn_graph.so.9', 'libcudnn_ops.so.9', 'libcudnn_cnn.so.9', 'libcudnn_engines_precompiled.so.9', 'libcudnn_engines_runtime_compiled.so.9', 'libcudnn_heuristic.so.9']
/** The GPU libraries worth naming in a report (the rest of `ldd`'s list is the C library and friends). */
const GPU_LIB = /^lib(cublas|cublasLt|cudart|curand|cufft|cudnn|nvrtc|nvJitLink|cuda)\b/

/** What the CUDA provider needs and where each part was found (Linux; elsewhere `supported: false`). */
export interface CudaLibraryReport {
  readonly supported: boolean
  readonly bindingDir: string | null
  /** Path of libonnxruntime_providers_cuda.so when installed next to the binding. */
  readonly providerLib: string | null
  readonly libraries: readonly LinkedLibrary[]
  readonly missing: readonly string[]
}

export function cudaLibraryReport(env: NodeJS.ProcessEnv = process.env): CudaLibraryReport {
  const dir = bindingDir()
  const lib = dir === null ? null : join(dir, CUDA_PROVIDER_LIB)
  const providerLib = lib !== null && existsSync(lib) ? lib : null
  if (process.platform !== 'linux' || providerLib === null) {
    return { supported: process.platform === 'linux', bindingDir: dir, providerLib, libraries: [], missing: providerLib === null ? [CUDA_PROVIDER_LIB] : [] }
  }
  let ldd = ''
  try {
    ldd = execFileSync('ldd', [providerLib], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] })
  } catch (e) {
    // ldd exits non-zero on some loaders when a dependency is missing, but still prints the list.
    ldd = (e as { stdout?: string }).stdout ?? ''
  }
  const linked = parseLdd(ldd).filter((l) => GPU_LIB.test(l.name))
  const libraries = [...linked, ...CUDNN.map((name) => ({ name, path: onLoaderPath(name, env) }))]
  return { supported: true, bindingDir: dir, providerLib, libraries, missing: libraries.filter((l) => l.path === null).map((l) => l.name) }
}

/** Where dlopen(name) would find `name`: LD_LIBRARY_PATH first, then the loader cache (`ldconfig -p`). */
function onLoaderPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env['LD_LIBRARY_PATH'] ?? '').split(':').filter((d) => d.length > 0)) if (existsSync(join(dir, name))) return join(dir, name)
  try {
    const cache = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    const m = new RegExp(`^\\s*${name.replace(/\./g, '\\.')} .*=> (\\S+)$`, 'm').exec(cache)
    return m?.[1] ?? null
  } catch {
    // No ldconfig (minimal images): LD_LIBRARY_PATH was the only place to look.
    return null
  }
}

/**
 * Folders on this machine that hold some of `names` (CUDA toolkits, NVIDIA's pip wheels in Python
 * environments): what to put on LD_LIBRARY_PATH. Searches a few fixed places only, never the whole disk.
 */
export function foldersHolding(names: readonly string[]): string[] {
  const roots = ['/usr/local', '/opt', '/usr/lib']
  const candidates: string[] = []
  for (const root of roots) {
    for (const a of list(root)) {
      const base = join(root, a)
      candidates.push(join(base, 'lib64'), join(base, 'targets', 'x86_64-linux', 'lib'))
      // Python environments: <env>/lib/python3.X/site-packages/nvidia/<pkg>/lib (also /opt/<x>/.venv/…)
      for (const env of [base, join(base, '.venv')]) {
        for (const py of list(join(env, 'lib')).filter((n) => n.startsWith('python3'))) {
          for (const sp of ['site-packages', 'dist-packages']) {
            const nv = join(env, 'lib', py, sp, 'nvidia')
            for (const pkg of list(nv)) candidates.push(join(nv, pkg, 'lib'))
          }
        }
      }
    }
  }
  return [...new Set(candidates)].filter((d) => names.some((n) => existsSync(join(d, n))))
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    // Unreadable or absent folders simply hold nothing.
    return []
  }
}
