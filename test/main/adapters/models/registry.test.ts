// @vitest-environment node
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { createLogger, type LogRecord } from '../../../../main/core/log'
import { parseCard } from '../../../../main/adapters/models/card'
import { defaultModel, loadCardFile, resolveModel, resolveModelOrCardPath, scanModels } from '../../../../main/adapters/models/registry'
import { cleanup, CONFORMANCE_SMALL, tempDir } from '../onnx/fixtures/temp'
import { writeSyntheticModel } from '../onnx/fixtures/synthetic-model'

afterAll(cleanup)

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return isAppError(e) ? e.code : 'not-app-error'
  }
  return undefined
}

describe('scanModels', () => {
  it('lists valid cards and skips malformed ones with a warning (no paths logged)', () => {
    const dir = tempDir()
    writeSyntheticModel(dir, { id: 'good-a' })
    writeSyntheticModel(dir, { id: 'good-b', isDefault: true })
    writeFileSync(join(dir, 'not-json.json'), '{ nope')
    writeFileSync(join(dir, 'bad-schema.json'), JSON.stringify({ name: 'x' }))
    const orphan = writeSyntheticModel(dir, { id: 'orphan' })
    rmSync(orphan.onnxPath)
    writeSyntheticModel(dir, { id: 'bad-layout', cardPatch: { clsIndex: 1 } })
    // A card's domain statistics beside it: not a card, not warned about.
    writeFileSync(join(dir, 'good-a.domain.json'), JSON.stringify({ schema: 'mamba-lens.domain-stats/1' }))
    const records: LogRecord[] = []
    const entries = scanModels(dir, createLogger((r) => records.push(r)))
    expect(entries.map((e) => e.id)).toEqual(['good-a', 'good-b'])
    const warns = records.filter((r) => r.level === 'warn')
    expect(warns.map((w) => w.fields?.['code']).sort()).toEqual(['model/manifest-invalid', 'model/manifest-invalid', 'model/manifest-invalid', 'model/not-found'])
    expect(JSON.stringify(records)).not.toContain(dir)
    expect(defaultModel(entries)?.id).toBe('good-b')
  })

  it('falls back to the first model when no card is marked default', () => {
    const dir = tempDir()
    writeSyntheticModel(dir, { id: 'zeta' })
    writeSyntheticModel(dir, { id: 'alpha' })
    expect(defaultModel(scanModels(dir))?.id).toBe('alpha')
  })

  it('returns nothing for a missing folder', () => {
    expect(scanModels(join(tempDir(), 'absent'))).toEqual([])
  })
})

describe('resolveModel', () => {
  it('finds registered ids only (the page names models, never files); unknown is model/not-found', () => {
    const dir = tempDir()
    const m = writeSyntheticModel(dir, { id: 'syn' })
    const entries = scanModels(dir)
    expect(resolveModel(entries, 'syn').id).toBe('syn')
    expect(resolveModel(entries, undefined).id).toBe('syn')
    for (const ref of [m.cardPath, m.onnxPath, `${dir}/../${dir.split('/').pop()}/syn.json`, 'nope']) {
      expect(codeOf(() => resolveModel([], ref))).toBe('model/not-found')
    }
    expect(codeOf(() => resolveModel([], undefined))).toBe('model/not-found')
  })

  it('the CLI may also name a card or graph path', () => {
    const dir = tempDir()
    const m = writeSyntheticModel(dir, { id: 'syn' })
    expect(resolveModelOrCardPath(scanModels(dir), 'syn').id).toBe('syn')
    expect(resolveModelOrCardPath([], m.cardPath).id).toBe('syn')
    expect(resolveModelOrCardPath([], m.onnxPath).id).toBe('syn')
    expect(codeOf(() => resolveModelOrCardPath([], `${dir}/nope.json`))).toBe('model/not-found')
  })

  it('maps a card to ModelInfo', () => {
    const m = writeSyntheticModel(tempDir(), { id: 'info' })
    const e = loadCardFile(m.cardPath)
    expect(e.info).toMatchObject({ id: 'info', inputSize: [32, 32], layers: 3, tokens: 5, clsIndex: 2, grid: [2, 2], gradFirstLayer: 1, sha256: m.sha256, isDefault: false })
    expect(e.info.classes).toHaveLength(5)
  })
})

describe('parseCard', () => {
  it.skipIf(!existsSync(fileURLToPath(CONFORMANCE_SMALL)))('accepts the exporter card of the small conformance graph', () => {
    const card = parseCard(JSON.parse(readFileSync(CONFORMANCE_SMALL, 'utf8')))
    expect(card.tokens).toBe(17)
    expect(card.input.resize).toBe('resize-shorter-center-crop')
  })

  it('rejects inconsistent cards', () => {
    const m = writeSyntheticModel(tempDir(), { id: 'c' })
    const card = JSON.parse(readFileSync(m.cardPath, 'utf8')) as Record<string, unknown>
    expect(codeOf(() => parseCard({ ...card, file: '../escape.onnx' }))).toBe('model/manifest-invalid')
    expect(codeOf(() => parseCard({ ...card, classes: ['only one'] }))).toBe('model/manifest-invalid')
    expect(codeOf(() => parseCard({ ...card, input: { ...(card['input'] as object), resize: 'squash' } }))).toBe('model/manifest-invalid')
    expect(codeOf(() => parseCard({ ...card, sha256: 'abc' }))).toBe('model/manifest-invalid')
  })
})
