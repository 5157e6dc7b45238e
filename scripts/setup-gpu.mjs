// `npm run setup:gpu`: fetch onnxruntime-node's CUDA execution-provider add-on (from NuGet, via the
// package's own install script). Installs are offline by default (.npmrc skips this download); run this
// once on a machine that is online. The app itself never connects anywhere.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

if (process.platform !== 'linux' && process.platform !== 'win32') {
  console.log('setup:gpu: CUDA add-on is only published for Linux and Windows x64; nothing to do.')
  process.exit(0)
}
const require = createRequire(import.meta.url)
const pkgDir = dirname(require.resolve('onnxruntime-node/package.json'))
const res = spawnSync(process.execPath, [join(pkgDir, 'script', 'install.js')], {
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
  cwd: pkgDir,
  timeout: 10 * 60_000,
})
if (res.status !== 0) {
  console.error('\nsetup:gpu: could not fetch the CUDA add-on. This machine is probably offline (the download ' +
    'comes from api.nuget.org). The app still runs on the CPU (and DirectML on Windows); ' +
    'run `npm run setup:gpu` again when online.')
  process.exit(1)
}
console.log('setup:gpu: CUDA add-on installed; the app will try CUDA first and fall back to the CPU.')
