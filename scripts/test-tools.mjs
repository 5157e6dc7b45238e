// Runs the Python toolchain tests (models/tools) when PyTorch is available; otherwise says why and skips.
import { spawnSync } from 'node:child_process'
import { findPython } from './conformance-model.mjs'

const py = findPython(['torch', 'onnx', 'pytest'])
if (!py) {
  console.log('test:tools: skipped — python3 with torch, onnx and pytest not found (scripts/setup.sh installs them on Debian)')
  process.exit(0)
}
const res = spawnSync(py, ['-m', 'pytest', 'tests', '-q', '-p', 'no:cacheprovider'], {
  cwd: 'models/tools', stdio: 'inherit', env: { ...process.env, PYTHONPATH: '.', PYTHONDONTWRITEBYTECODE: '1' },
})
process.exit(res.status ?? 1)
