/**
 * Peak memory of one `mamba-lens explain` call over a batch of N generated images (issue 16, build 7:
 * batches of any size with bounded memory). Uses the tiny synthetic model so the batch measures the CLI's
 * own per-input cost, not the explainer's. Peak RSS from GNU time (whole process tree).
 *
 * Usage: node --import tsx test/bench/batch-memory.ts [--files 1000,10000]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { writeSyntheticModel } from '../main/adapters/onnx/fixtures/synthetic-model'

const { values } = parseArgs({ options: { files: { type: 'string', default: '1000,10000' } } })
const counts = values.files.split(',').map(Number)
const dir = mkdtempSync(join(os.tmpdir(), 'mamba-batch-'))
try {
  writeSyntheticModel(join(dir, 'models'), { id: 'syn', isDefault: true })
  const images: string[] = []
  for (let i = 0; i < Math.max(...counts); i++) {
    const path = join(dir, `i${i}.png`)
    await sharp(new Uint8Array(8 * 8 * 3).map((_, k) => (k * 31 + i) % 256), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(path)
    images.push(path)
  }
  for (const n of counts) {
    const out = join(dir, `out-${n}`)
    const t = performance.now()
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, 'bin/mamba-lens.mjs', 'explain', ...images.slice(0, n), '--models-dir', join(dir, 'models'),
      '--method', 'raw-attention', '--out', out, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, MAMBA_LENS_CACHE: join(dir, 'cache') } })
    const ok = (JSON.parse(r.stdout) as { ok: boolean }[]).filter((e) => e.ok).length
    const peakMb = Math.round(Number(r.stderr.trim().split('\n').pop()) / 1024)
    console.log(JSON.stringify({ files: n, exit: r.status, signal: r.signal, explained: ok, peakRssMb: peakMb, seconds: Math.round((performance.now() - t) / 100) / 10 }))
    rmSync(out, { recursive: true, force: true })
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
