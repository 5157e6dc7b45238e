// @vitest-environment node
/**
 * Integrity of model files (issue 16, build 5): every file a card names carries a sha256 that matches it,
 * a card whose matrices graph has none is refused, and a replaced matrices graph is refused before ORT
 * opens it (before, random bytes as `*.matrices.onnx` were opened unchecked).
 */
import { createHash } from 'node:crypto'
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCardFile } from '../../../main/adapters/models/registry'
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
    const cards = CARD_DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)))
    expect(cards.length).toBeGreaterThan(2)
    for (const path of cards) {
      const name = path.slice(path.lastIndexOf('/') + 1)
      const dir = path.slice(0, path.lastIndexOf('/'))
      const card = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { file: string; sha256: string } | string | undefined>
      const entries = [{ file: card['file'] as string, sha256: card['sha256'] as string }, card['matricesGraph'], card['forwardGraph']]
        .filter((e): e is { file: string; sha256: string } => typeof e === 'object')
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
