// Runs the Python toolchain tests (models/tools) when PyTorch is available; otherwise says why and skips.
import { spawnSync } from 'node:child_process'

const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch, onnx, pytest'], { stdio: 'ignore' }).status === 0)
if (!py) {
  console.log('test:tools: skipped — python3 with torch, onnx and pytest not found (scripts/setup.sh installs them on Debian)')
  process.exit(0)
}
const res = spawnSync(py, ['-m', 'pytest', 'tests', '-q', '-p', 'no:cacheprovider'], {
  cwd: 'models/tools', stdio: 'inherit', env: { ...process.env, PYTHONPATH: '.', PYTHONDONTWRITEBYTECODE: '1' },
})
process.exit(res.status ?? 1)
