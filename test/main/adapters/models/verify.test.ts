// @vitest-environment node
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { loadCardFile } from '../../../../main/adapters/models/registry'
import { checkGraphAgainstCard, sha256Hex, verifySha256 } from '../../../../main/adapters/models/verify'
import { openSession } from '../../../../main/adapters/onnx/session'
import { cleanup, tempDir } from '../onnx/fixtures/temp'
import { writeSyntheticModel } from '../onnx/fixtures/synthetic-model'

afterAll(cleanup)

async function errorCode(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    return isAppError(e) ? e.code : 'not-app-error'
  }
  return undefined
}

describe('verifySha256', () => {
  it('detects a tampered copy of the model', async () => {
    const m = writeSyntheticModel(tempDir())
    const copyDir = tempDir()
    const copy = join(copyDir, 'synthetic.onnx')
    copyFileSync(m.onnxPath, copy)
    const bytes = readFileSync(copy)
    expect(() => verifySha256(bytes, m.sha256, 'graph')).not.toThrow()
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff
    writeFileSync(copy, bytes)
    expect(await errorCode(() => verifySha256(readFileSync(copy), m.sha256, 'graph'))).toBe('model/hash-mismatch')
    expect(sha256Hex(bytes)).not.toBe(m.sha256)
  })
})

describe('checkGraphAgainstCard (real sessions)', () => {
  it('accepts a card that matches its graph', async () => {
    const m = writeSyntheticModel(tempDir())
    const entry = loadCardFile(m.cardPath)
    const { session } = await openSession(readFileSync(m.onnxPath), { preferProviders: ['cpu'] })
    expect(() => checkGraphAgainstCard(entry.card, session)).not.toThrow()
    await session.release()
  })

  it('reports every disagreement as model/manifest-mismatch', async () => {
    const m = writeSyntheticModel(tempDir(), {
      cardPatch: {
        input: { name: 'pixels', shape: [1, 3, 32, 32], mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch' },
        outputs: { logits: { shape: [5] }, delta: { shape: [3, 2, 5, 7] }, missing_tap: { shape: [3] } },
      },
    })
    const entry = loadCardFile(m.cardPath)
    const { session } = await openSession(readFileSync(m.onnxPath), { preferProviders: ['cpu'] })
    let problems: unknown
    try {
      checkGraphAgainstCard(entry.card, session)
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('model/manifest-mismatch')
      problems = isAppError(e) ? e.detail?.['problems'] : undefined
    }
    expect(problems).toEqual([
      'input pixels: missing from graph',
      'input image: not in the card',
      'output delta: shape [3,2,5,6], card says [3,2,5,7]',
      'output missing_tap: missing from graph',
    ])
    await session.release()
  })
})
