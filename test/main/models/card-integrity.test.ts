// @vitest-environment node
/**
 * Integrity of model files (issue 16, build 5): every file a card names carries a sha256 that matches it,
 * a card whose matrices graph (or any other `*Graph` entry) has none is refused, and a replaced graph is
 * refused before ORT opens it (before, random bytes as `*.matrices.onnx` were opened unchecked).
 */
import { createHash } from 'node:crypto'
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { graphFilesOf } from '../../../main/adapters/models/card'
import { isCardFileName, loadCardFile } from '../../../main/adapters/models/registry'
import { noopLogger } from '../../../main/core/log'
import { workerSpec } from '../../../main/engine/model-specs'
import { ModelPool } from '../../../main/worker/model-pool'
import { createEngine } from '../../../main/engine'
import { codeOf } from '../../helpers/errors'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { graphEntry, writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'

afterAll(cleanup)

const MODELS = join(__dirname, '../../../models')
const CARD_DIRS = [MODELS, join(__dirname, '../../fixtures/models')]
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('model file integrity', () => {
  it('every committed card names each of its graphs with the sha256 of that file', () => {
    const cards = CARD_DIRS.flatMap((dir) => readdirSync(dir).filter(isCardFileName).map((f) => join(dir, f)))
    expect(cards.length).toBeGreaterThan(2)
    for (const path of cards) {
      const name = path.slice(path.lastIndexOf('/') + 1)
      const dir = path.slice(0, path.lastIndexOf('/'))
      const card = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
      // The domain statistics (docs/TRUST.md) are named with their sha256 too.
      const features = (card['domain'] as { features?: { file: string; sha256: string } } | undefined)?.features
      const entries = [{ file: card['file'] as string, sha256: card['sha256'] as string }, ...graphFilesOf(card), ...(features !== undefined ? [features] : [])]
      for (const e of entries) expect({ card: name, file: e.file, sha256: sha256(join(dir, e.file)) }).toEqual({ card: name, file: e.file, sha256: e.sha256 })
    }
  })

  it('refuses a card whose matrices graph has no sha256 (bare name or object)', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'm.matrices.onnx'), 'graph bytes')
    const bare = writeSyntheticModel(dir, { id: 'bare', cardPatch: { matricesGraph: 'm.matrices.onnx' } })
    const noSha = writeSyntheticModel(dir, { id: 'nosha', cardPatch: { matricesGraph: { file: 'm.matrices.onnx' } } })
    for (const m of [bare, noSha]) expect(await codeOf(Promise.resolve().then(() => loadCardFile(m.cardPath)))).toBe('model/manifest-invalid')
  })

  it('any *Graph entry (e.g. classifierGraph, gpuGraph) needs a file and its sha256; the file must exist', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'c.onnx'), 'graph bytes')
    const cases: [Record<string, unknown>, string][] = [
      [{ classifierGraph: { file: 'c.onnx' } }, 'model/manifest-invalid'],
      [{ gpuGraph: { file: '../c.onnx', sha256: 'a'.repeat(64) } }, 'model/manifest-invalid'],
      [{ gpuGraph: 'c.onnx' }, 'model/manifest-invalid'],
      // The GPU-shaped classifier names its providers and outputs, as gpuGraph and classifierGraph do.
      [{ gpuClassifierGraph: { file: 'c.onnx', sha256: 'a'.repeat(64), outputs: ['logits', 'features'] } }, 'model/manifest-invalid'],
      [{ gpuClassifierGraph: { file: 'c.onnx', sha256: 'a'.repeat(64), providers: ['cuda'] } }, 'model/manifest-invalid'],
      [{ classifierGraph: { file: 'absent.onnx', sha256: 'a'.repeat(64) } }, 'model/not-found'],
    ]
    for (const [i, [patch, code]] of cases.entries()) {
      const m = writeSyntheticModel(dir, { id: `g${i}`, cardPatch: patch })
      expect([patch, await codeOf(Promise.resolve().then(() => loadCardFile(m.cardPath)))]).toEqual([patch, code])
    }
  })

  it('every *Graph entry opens only through graphSession, which refuses bytes that differ from the card', async () => {
    const dir = tempDir()
    const real = join(dir, 'extra.onnx')
    copyFileSync(join(MODELS, 'vim-tiny-conformance.matrices.onnx'), real)
    writeFileSync(join(dir, 'swapped.onnx'), new Uint8Array(27_127).map((_, i) => (i * 7919) & 0xff))
    const m = writeSyntheticModel(dir, { id: 'syn', cardPatch: { gpuGraph: { ...graphEntry(real), providers: ['cuda'] }, classifierGraph: { ...graphEntry(real), file: 'swapped.onnx' } } })
    const pool = new ModelPool(noopLogger)
    const { model } = await pool.ensure(workerSpec(loadCardFile(m.cardPath), { preferProviders: ['cpu'] }))
    const ok = await pool.graphSession(model, 'gpuGraph', false)
    await ok.release()
    expect(await codeOf(pool.graphSession(model, 'classifierGraph', false))).toBe('model/hash-mismatch')
    await pool.release()
  })

  it('refuses a matrices graph whose bytes differ from the card (model/hash-mismatch), before opening it', async () => {
    const dir = tempDir()
    const real = join(dir, 'real.matrices.onnx')
    copyFileSync(join(MODELS, 'vim-tiny-conformance.matrices.onnx'), real)
    writeFileSync(join(dir, 'swapped.matrices.onnx'), new Uint8Array(27_127).map((_, i) => (i * 7919) & 0xff))
    writeSyntheticModel(dir, { id: 'syn', isDefault: true, cardPatch: { matricesGraph: { ...graphEntry(real), file: 'swapped.matrices.onnx' } } })
    const engine = await createEngine({ modelsDir: dir, preferProviders: ['cpu'], preload: false, precomputeMatrices: 'never' })
    const image = { width: 32, height: 32, rgb: new Uint8Array(32 * 32 * 3).fill(120), sourceSha256: '0'.repeat(64) }
    const r = await engine.explain(image, {})
    expect(await codeOf(engine.matrices(r.runId))).toBe('model/hash-mismatch')
    await engine.close()
  })
})
