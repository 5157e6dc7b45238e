// @vitest-environment node
/**
 * Batches well past the 325 inputs of issue 16 (item 7): one engine and model load for the whole batch,
 * the --json summary streamed entry by entry, progress per input, and an interrupted batch resumed with
 * --skip-existing (only inputs without a finished JSON of the same file run again).
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../main/cli/index'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'

afterAll(cleanup)

const COUNT = 400
const modelsDir = tempDir()
const work = tempDir()
const images: string[] = []

/** Records stdout's length whenever stderr gets a line, to see the summary grow while the batch runs. */
class Streams {
  out = ''
  err = ''
  readonly outLengthAtProgress: number[] = []
  readonly stdout = { write: (s: string): boolean => { this.out += s; return true } }
  readonly stderr = {
    write: (s: string): boolean => {
      this.err += s
      if (s.includes('progress')) this.outLengthAtProgress.push(this.out.length)
      return true
    },
  }
}

async function cli(args: string[]): Promise<Streams & { code: number }> {
  const s = new Streams()
  const code = await runCli(['--models-dir', modelsDir, ...args], { stdout: s.stdout, stderr: s.stderr, logLevel: 'info' })
  return Object.assign(s, { code })
}

beforeAll(async () => {
  writeSyntheticModel(modelsDir, { id: 'syn', isDefault: true })
  for (let i = 0; i < COUNT; i++) {
    const path = join(work, `img-${String(i).padStart(4, '0')}.png`)
    const px = new Uint8Array(8 * 8 * 3).map((_, k) => (k * 31 + i) % 256)
    await sharp(px, { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(path)
    images.push(path)
  }
  writeFileSync(join(work, 'broken.png'), 'not a png')
}, 60_000)

describe('mamba-lens explain, large batches', () => {
  it(`explains ${COUNT} files with one model load, streams the summary and resumes with --skip-existing`, async () => {
    const out = join(tempDir(), 'out')
    const inputs = [...images.slice(0, 200), join(work, 'broken.png'), ...images.slice(200)]
    const first = await cli(['explain', ...inputs, '--method', 'raw-attention', '--out', out, '--json', '--progress'])
    expect(first.code).toBe(3) // the one broken file; every other input explained
    const summary = JSON.parse(first.out) as { ok: boolean; code?: string }[]
    expect(summary).toHaveLength(COUNT + 1)
    expect(summary.filter((e) => e.ok)).toHaveLength(COUNT)
    expect(summary[200]).toMatchObject({ ok: false, code: 'image/text-file' }) // text named .png: the content decides
    expect(first.err.match(/model loaded/g)).toHaveLength(1)
    expect(first.err).toContain(`progress ${COUNT + 1}/${COUNT + 1} explained ${COUNT} skipped 0 failed 1\n`)
    // Streamed: each progress line found more of the summary on stdout than the one before.
    expect(first.outLengthAtProgress).toHaveLength(COUNT + 1)
    expect(first.outLengthAtProgress.every((n, i) => i === 0 || n > first.outLengthAtProgress[i - 1]!)).toBe(true)
    expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toHaveLength(COUNT)

    // An interrupted batch: three inputs never finished, one file changed since.
    for (const i of [3, 150, 399]) rmSync(join(out, `img-${String(i).padStart(4, '0')}.json`))
    await sharp(new Uint8Array(8 * 8 * 3).fill(7), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(images[42]!)
    const resumed = await cli(['explain', ...images, '--method', 'raw-attention', '--out', out, '--json', '--skip-existing', '--progress'])
    expect(resumed.code).toBe(0)
    const again = JSON.parse(resumed.out) as { input: string; skipped?: boolean }[]
    expect(again.filter((e) => e.skipped !== true).map((e) => e.input)).toEqual(['img-0003.png', 'img-0042.png', 'img-0150.png', 'img-0399.png'])
    expect(resumed.err).toContain(`progress ${COUNT}/${COUNT} explained 4 skipped ${COUNT - 4} failed 0\n`)
    expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toHaveLength(COUNT)
  }, 180_000)

  // The reported crash: onnxruntime's built-in telemetry segfaults the process at start-up once the command
  // line passes about 16 KB (measured on the code before a6727d6: 800 paths / 14.3 KB ran, 1,000 / 17.9 KB
  // and 1,600 short ones / 15.8 KB died with signal 11 at once; with ORT_DISABLE_TELEMETRY=1 they ran).
  // ~325 paths of ~50 characters is that size. The app must switch telemetry off itself: not inherited here.
  it(`runs ${COUNT} files with a command line over 16 KB as one process (was: exit 139 at once)`, () => {
    const bin = fileURLToPath(new URL('../../../bin/mamba-lens.mjs', import.meta.url))
    const longDir = join(tempDir(), 'a-folder-name-long-enough-to-make-every-path-about-one-hundred-chars')
    mkdirSync(longDir)
    const paths = images.map((p, i) => {
      const copy = join(longDir, `scan-${String(i).padStart(4, '0')}.png`)
      copyFileSync(p, copy)
      return copy
    })
    expect(paths.join(' ').length).toBeGreaterThan(24_000)
    const out = join(tempDir(), 'out')
    const { ORT_DISABLE_TELEMETRY: _set, ...inherited } = process.env
    const env = { ...inherited, MAMBA_LENS_CACHE: tempDir() }
    const r = spawnSync(process.execPath, [bin, 'explain', ...paths, '--models-dir', modelsDir, '--method', 'raw-attention', '--out', out, '--json'], { encoding: 'utf8', env, maxBuffer: 64 << 20 })
    expect([r.status, r.signal]).toEqual([0, null])
    expect((JSON.parse(r.stdout) as { ok: boolean }[]).filter((e) => e.ok)).toHaveLength(COUNT)
  }, 180_000)

  it('--skip-existing is for files only', async () => {
    const r = await cli(['explain', '--input-tensor', join(work, 'x.npy'), '--skip-existing'])
    expect([r.code, r.err.startsWith('mamba-lens: error [usage] --skip-existing applies to files')]).toEqual([2, true])
  })
})
