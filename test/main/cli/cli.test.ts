// @vitest-environment node
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeNpy } from '../../../main/adapters/preprocess/npy'
import { runCli } from '../../../main/cli/index'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { SYN, writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'

afterAll(cleanup)

class Sink {
  text = ''
  constructor(readonly isTTY = false) {}
  write(s: string): boolean {
    this.text += s
    return true
  }
}

const modelsDir = tempDir()
const work = tempDir()
let png = ''
let jpg = ''

beforeAll(async () => {
  writeSyntheticModel(modelsDir, { id: 'syn', isDefault: true })
  png = join(work, 'scan one.png')
  jpg = join(work, 'photo.jpg')
  const px = new Uint8Array(60 * 40 * 3).map((_, i) => (i * 7) % 256)
  await sharp(px, { raw: { width: 60, height: 40, channels: 3 } }).png().toFile(png)
  await sharp(px, { raw: { width: 60, height: 40, channels: 3 } }).jpeg().toFile(jpg)
})

async function cli(args: string[], opts: { tty?: boolean; signal?: AbortSignal } = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink()
  const stderr = new Sink(opts.tty ?? false)
  const code = await runCli(['--models-dir', modelsDir, ...args], { stdout, stderr, ...(opts.signal !== undefined ? { signal: opts.signal } : {}) })
  return { code, out: stdout.text, err: stderr.text }
}

describe('mamba-lens explain', () => {
  it('writes one overlay PNG per method and one JSON per image, atomically', async () => {
    const out = join(tempDir(), 'out')
    const r = await cli(['explain', png, jpg, '--method', 'raw-attention,uia', '--out', out, '--json', '--colormap', 'inferno'])
    expect(r.code).toBe(0)
    const files = readdirSync(out).sort()
    expect(files).toEqual(['photo.json', 'photo.raw-attention.png', 'photo.uia.png', 'scan_one.json', 'scan_one.raw-attention.png', 'scan_one.uia.png'])
    const meta = await sharp(join(out, 'scan_one.uia.png')).metadata()
    expect([meta.width, meta.height, meta.channels]).toEqual([SYN.W, SYN.H, 3])
    expect(readFileSync(join(out, 'scan_one.uia.png')).includes(Buffer.from('mamba-lens:method\0uia', 'latin1'))).toBe(true)
    const json = JSON.parse(readFileSync(join(out, 'scan_one.json'), 'utf8')) as Record<string, unknown>
    expect(json).toMatchObject({ schema: 'mamba-lens.explain/1', provider: expect.any(String), source: { file: 'scan one.png', width: 60, height: 40, format: 'png' }, model: { id: 'syn' } })
    const methods = json['methods'] as { id: string; patchRelevance: number[]; file: string }[]
    expect(methods.map((m) => [m.id, m.patchRelevance.length, m.file])).toEqual([['raw-attention', 4, 'scan_one.raw-attention.png'], ['uia', 4, 'scan_one.uia.png']])
    expect(JSON.stringify(json)).not.toContain(work)
    const summary = JSON.parse(r.out) as { ok: boolean; files: string[] }[]
    expect(summary.map((s) => [s.ok, s.files.length])).toEqual([[true, 3], [true, 3]])
  })

  it('explains a normalised tensor from .npy (--input-tensor), one result per batch item', async () => {
    const npy = join(work, 'batch.npy')
    writeFileSync(npy, encodeNpy(Float32Array.from({ length: 2 * 3 * SYN.H * SYN.W }, (_, i) => Math.sin(i)), [2, 3, SYN.H, SYN.W]))
    const out = join(tempDir(), 'out')
    const r = await cli(['explain', '--input-tensor', npy, '--method', 'mamba-rollout', '--class', '1', '--out', out])
    expect(r.code).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['batch-0.json', 'batch-0.mamba-rollout.png', 'batch-1.json', 'batch-1.mamba-rollout.png'])
    const json = JSON.parse(readFileSync(join(out, 'batch-1.json'), 'utf8')) as Record<string, unknown>
    expect(json).toMatchObject({ targetClass: 1, source: { file: 'batch.npy', index: 1, shape: [2, 3, SYN.H, SYN.W] } })
    writeFileSync(npy, encodeNpy(new Float32Array(3 * 8 * 8), [3, 8, 8]))
    const bad = await cli(['explain', '--input-tensor', npy, '--out', out])
    expect(bad.code).toBe(3)
    expect(bad.err).toContain('[image/decode-failed]')
  })

  it('exit codes and stderr lines scripts can rely on', async () => {
    const out = join(tempDir(), 'out')
    expect((await cli([])).code).toBe(0)
    const usage = await cli(['explain', png, '--bogus'])
    expect([usage.code, usage.err.split('\n')[0]?.startsWith('mamba-lens: error [usage]')]).toEqual([2, true])
    const cls = await cli(['explain', png, '--class', String(SYN.C), '--out', out])
    expect(cls.code).toBe(2)
    expect(cls.err).toContain('mamba-lens: error [explain/target-class] scan one.png:')
    expect((await cli(['explain', png, '--method', 'nope', '--out', out])).code).toBe(2)
    const model = await cli(['explain', png, '--model', 'absent', '--out', out])
    expect(model.code).toBe(4)
    expect(model.err).toContain('[model/not-found]')
    const cancelled = await cli(['explain', png, '--out', out], { signal: AbortSignal.abort() })
    expect(cancelled.code).toBe(5)
    expect(cancelled.err).toContain('[run/cancelled]')
  })

  it('--json prints a JSON error object for every failure: usage, unknown model, broken cards', async () => {
    const out = join(tempDir(), 'out')
    // A failure before any input ran is one object; one while the batch runs is that input's summary entry.
    const json = async (args: string[]): Promise<Record<string, unknown>> => {
      const r = await cli([...args, '--json'])
      const parsed = JSON.parse(r.out) as Record<string, unknown> | Record<string, unknown>[]
      return { ...(Array.isArray(parsed) ? parsed[0] : parsed), status: r.code }
    }
    expect(await json(['explain', png, '--bogus'])).toMatchObject({ ok: false, code: 'usage', exit: 2, status: 2 })
    expect(await json(['explain', png, '--model', 'absent', '--out', out])).toMatchObject({ ok: false, code: 'model/not-found', message: expect.any(String), status: 4 })
    const dir = tempDir()
    const cards: [string, (card: string) => void, string][] = [
      ['not JSON', (c) => writeFileSync(c, '{ nope'), 'model/manifest-invalid'],
      ['wrong graph sha256', (c) => writeFileSync(c, JSON.stringify({ ...JSON.parse(readFileSync(c, 'utf8')), sha256: '0'.repeat(64) })), 'model/hash-mismatch'],
    ]
    for (const [i, [, breakCard, code]] of cards.entries()) {
      const { cardPath } = writeSyntheticModel(join(dir, String(i)), { id: `broken-${i}` })
      breakCard(cardPath)
      expect(await json(['explain', png, '--model', cardPath, '--out', out])).toMatchObject({ ok: false, code, status: 4 })
      // `methods` reads the card only (no graph hash): the unreadable card fails there too.
      if (code === 'model/manifest-invalid') expect(await json(['methods', '--model', cardPath])).toMatchObject({ ok: false, code, exit: 4 })
    }
  })

  it('reports a corrupt image, still writes the others, and exits 3', async () => {
    const corrupt = join(work, 'corrupt.png')
    writeFileSync(corrupt, readFileSync(png).subarray(0, 60))
    const empty = join(work, 'empty.jpg')
    writeFileSync(empty, '')
    const out = join(tempDir(), 'out')
    const r = await cli(['explain', corrupt, empty, png, join(work, 'missing.png'), '--method', 'raw-attention', '--out', out], { tty: true })
    expect(r.code).toBe(3)
    expect(r.err).toContain('[image/decode-failed] corrupt.png')
    expect(r.err).toContain('[image/empty] empty.jpg')
    expect(r.err).toContain('[image/not-found] missing.png')
    expect(r.err).toContain('\r[') // progress bar on a TTY
    expect(readdirSync(out).sort()).toEqual(['scan_one.json', 'scan_one.raw-attention.png'])
  })

  it('lists models and methods', async () => {
    const models = await cli(['models', '--json'])
    expect(models.code).toBe(0)
    expect((JSON.parse(models.out) as { id: string; isDefault: boolean }[]).map((m) => [m.id, m.isDefault])).toEqual([['syn', true]])
    const methods = await cli(['methods', '--model', 'syn'])
    expect(methods.out).toContain('mamba-lrp')
    expect(methods.err).not.toContain('\r')
  })
})

describe('bin/mamba-lens.mjs', () => {
  const bin = fileURLToPath(new URL('../../../bin/mamba-lens.mjs', import.meta.url))

  it('runs end to end as a process with documented exit codes', () => {
    const out = join(tempDir(), 'out')
    const cache = tempDir()
    const env = { ...process.env, MAMBA_LENS_CACHE: cache }
    const ok = spawnSync(process.execPath, [bin, 'explain', png, '--models-dir', modelsDir, '--method', 'mamba-rollout', '--out', out], { encoding: 'utf8', env })
    expect(ok.status).toBe(0)
    expect(existsSync(join(out, 'scan_one.mamba-rollout.png'))).toBe(true)
    // The optimised graph was cached for the next invocation (the process waits for its writer thread).
    expect(readdirSync(join(cache, 'ort-optimized')).some((f) => f.endsWith('.ort'))).toBe(true)
    const missing = spawnSync(process.execPath, [bin, 'explain', join(work, 'nope.png'), '--models-dir', modelsDir, '--out', out], { encoding: 'utf8', env })
    expect(missing.status).toBe(3)
    expect(missing.stderr).toContain('mamba-lens: error [image/not-found]')
  })
})
