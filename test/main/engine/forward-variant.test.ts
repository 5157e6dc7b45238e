// @vitest-environment node
/**
 * The forward-only explainer variant (card `forwardGraph`): class-agnostic requests without a target
 * class run it, everything else runs the full graph, and both give the same class-agnostic relevance.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type LensEngine } from '../../../main/engine'
import { codeOf } from '../../helpers/errors'
import { cleanup, CONFORMANCE_SMALL, tempDir } from '../adapters/onnx/fixtures/temp'

const card = fileURLToPath(CONFORMANCE_SMALL)
const json = existsSync(card) ? (JSON.parse(readFileSync(card, 'utf8')) as Record<string, unknown>) : undefined
const missing = json === undefined ? 'test/fixtures/models/vim-small-tokens-conformance.* not built'
  : json['forwardGraph'] === undefined ? 'the small conformance card has no forwardGraph (export --forward-variant)' : null
const ID = 'vim-small-tokens-conformance'
const image = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.01))

/** A copy of the small model whose card says `fwd` about the forward graph. */
function modelsDirWith(fwd: Record<string, unknown>): string {
  const dir = tempDir()
  const src = dirname(card)
  for (const f of [json!['file'], (json!['matricesGraph'] as { file: string }).file, (json!['forwardGraph'] as { file: string }).file]) copyFileSync(join(src, String(f)), join(dir, String(f)))
  writeFileSync(join(dir, `${ID}.json`), JSON.stringify({ ...json, forwardGraph: fwd }))
  return dir
}

describe.skipIf(missing !== null)(`forward-only variant${missing !== null ? ` (skipped: ${missing})` : ''}`, () => {
  let engine: LensEngine
  beforeAll(async () => {
    engine = await createEngine({ modelsDir: dirname(card), preferProviders: ['cpu'], precomputeMatrices: 'never' })
  })
  afterAll(async () => {
    await engine.close()
    cleanup()
  })

  it('runs for class-agnostic methods and matches the full graph', async () => {
    const methods = ['raw-attention', 'mamba-rollout', 'random-baseline']
    const fwd = await engine.explainTensor(image, { modelId: ID, methods })
    expect(fwd.graph).toBe('forward')
    const full = await engine.explainTensor(image, { modelId: ID, methods, targetClass: fwd.targetClass })
    expect(full.graph).toBe('full')
    expect(fwd.topK).toEqual(full.topK)
    for (const [i, m] of fwd.methods.entries()) {
      const other = full.methods[i]!.patchRelevance
      m.patchRelevance.forEach((v, k) => expect(Math.abs(v - other[k]!)).toBeLessThan(1e-5))
    }
    // Its cached factors serve drill-down like a full run's.
    const d = await engine.drilldown(fwd.runId, 5)
    expect(d.rows.length).toBe(4)
  })

  it('is not used when a method needs the target', async () => {
    const r = await engine.explainTensor(image, { modelId: ID, methods: ['mamba-rollout', 'mamba-lrp'] })
    expect(r.graph).toBe('full')
  })

  it('a tampered forward graph is refused by its sha256, and the full graph still works', async () => {
    const fg = json!['forwardGraph'] as Record<string, unknown>
    const e2 = await createEngine({ modelsDir: modelsDirWith({ ...fg, sha256: '0'.repeat(64) }), preferProviders: ['cpu'], precomputeMatrices: 'never' })
    try {
      expect(await codeOf(e2.explainTensor(image, { modelId: ID, methods: ['mamba-rollout'] }))).toBe('model/hash-mismatch')
      expect((await e2.explainTensor(image, { modelId: ID, methods: ['mamba-lrp'] })).graph).toBe('full')
    } finally {
      await e2.close()
    }
  })
})
