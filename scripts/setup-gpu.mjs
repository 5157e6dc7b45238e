// `npm run setup:gpu [-- --from <package.tgz>]`: installs onnxruntime's CUDA execution provider for the
// installed onnxruntime-node, from the npm registry only (docs/GPU.md). onnxruntime-node ships no CUDA
// provider on Linux and its own install script fetches one from NuGet; instead this takes the provider
// libraries of the npm package built from the same onnxruntime release for CUDA 13, checks the
// package's integrity, copies `libonnxruntime_providers_{cuda,shared}.so` next to `libonnxruntime.so.1`
// and runs `mamba-lens doctor`, which names any CUDA 13 / cuDNN 9 library still missing.
// Offline machines: `npm pack <package>@<version>` on an online one, carry the .tgz, pass it with --from.
// Windows: nothing to install — DirectML is built into onnxruntime-node's win32 binary and the provider
// fallback chain (CUDA → DirectML → WebGPU → CPU) picks it. macOS: CPU (and WebGPU) only.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/**
 * onnxruntime-node version → the npm package holding the CUDA provider built from that release. The
 * provider bridge is private to one release, so versions must match exactly (package.json pins
 * onnxruntime-node for that reason). Integrity: the registry's `dist.integrity` of that version.
 */
const GPU_PACKAGES = {
  '1.29.0': {
    name: 'com.github.asus4.onnxruntime.linux-x64-gpu', version: '0.4.9', cuda: '13', cudnn: '9',
    integrity: 'sha512-FopIhNE/Ng+v2X65wVc9clPCBCvhvA53Hxo2U0Kf5fGdVsC7iCA+mZ0KLWggcQAj7TIZ6pNidR4AC10g74Xo6w==',
    libDir: 'package/Plugins/Linux/x64',
  },
}
const LIBS = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']

const { values } = parseArgs({ options: { from: { type: 'string' } } })
const require = createRequire(import.meta.url)
const ortDir = dirname(require.resolve('onnxruntime-node/package.json'))
const ortVersion = JSON.parse(readFileSync(join(ortDir, 'package.json'), 'utf8')).version
const fail = (msg) => {
  console.error(`setup:gpu: ${msg}`)
  process.exit(1)
}

if (process.platform === 'win32') {
  console.log('setup:gpu: Windows needs nothing installed: DirectML is part of onnxruntime-node\'s win32 binary and the ' +
    'provider chain CUDA → DirectML → WebGPU → CPU picks it (`mamba-lens doctor` shows what runs).')
  process.exit(0)
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`setup:gpu: no CUDA provider for ${process.platform}-${process.arch}; the app runs on the CPU (and WebGPU where available).`)
  process.exit(0)
}
const pkg = GPU_PACKAGES[ortVersion]
if (pkg === undefined) {
  fail(`no CUDA provider package is known for onnxruntime-node ${ortVersion}; known: ${Object.keys(GPU_PACKAGES).join(', ')} ` +
    '(pin onnxruntime-node to one of them in package.json, or add the matching package to scripts/setup-gpu.mjs)')
}

const work = mkdtempSync(join(tmpdir(), 'mamba-setup-gpu-'))
try {
  let tgz = values.from === undefined ? undefined : resolve(values.from)
  if (tgz === undefined) {
    console.log(`setup:gpu: fetching ${pkg.name}@${pkg.version} (≈ 180 MB) from the npm registry`)
    const r = spawnSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
    if (r.status !== 0) fail('npm pack failed (offline? then `npm pack` it on an online machine and pass the .tgz with --from)')
    tgz = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) ?? '')
  }
  if (!existsSync(tgz)) fail(`${tgz} not found`)
  const digest = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`
  if (digest !== pkg.integrity) fail(`${tgz} is not ${pkg.name}@${pkg.version} (sha512 differs from the registry's)`)
  const untar = spawnSync('tar', ['xzf', tgz, '-C', work, ...LIBS.map((l) => `${pkg.libDir}/${l}`)], { stdio: 'inherit' })
  if (untar.status !== 0) fail(`could not unpack ${LIBS.join(', ')} from ${tgz}`)
  const bin = join(ortDir, 'bin', 'napi-v6', 'linux', 'x64')
  for (const lib of LIBS) {
    // Copy beside, then rename: a running app never loads half a library.
    copyFileSync(join(work, pkg.libDir, lib), join(bin, `${lib}.tmp`))
    renameSync(join(bin, `${lib}.tmp`), join(bin, lib))
  }
  console.log(`setup:gpu: installed ${LIBS.join(', ')} (onnxruntime ${ortVersion}, CUDA ${pkg.cuda}, cuDNN ${pkg.cudnn}) in ${bin}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}

// What the provider needs from the system, and whether it now loads (exit 4 from doctor: it does not).
const doctor = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/mamba-lens.mjs', import.meta.url)), 'doctor', '--provider', 'cuda'], { stdio: 'inherit' })
if (doctor.status !== 0) {
  console.error(`setup:gpu: the CUDA provider is installed but does not load yet: install what doctor lists as missing ` +
    `(CUDA ${pkg.cuda} cuBLAS, runtime, cuRAND; cuDNN ${pkg.cudnn}) or put the folders it names on LD_LIBRARY_PATH, then run ` +
    '`npm run cli -- doctor` again.')
  process.exit(2)
}
