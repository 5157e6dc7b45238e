// @vitest-environment node
/**
 * The whole runtime path (worker, ORT, fromOrt, TS matrices, drill-down) against the official code's
 * outputs for the small 17-token model (shared/conformance; tolerances of its README: logits 1e-4,
 * full matrices 2e-3 relative to max |golden|, float16 storage of the official matrices).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type LensEngine } from '../../../main/engine'
import { loadNpz, npzF32 } from '../../helpers/npz'
import { cleanup, CONFORMANCE_SMALL, tempDir } from '../adapters/onnx/fixtures/temp'

const GOLDEN = '/work/shared/conformance/vim-official-seed1234/vim_small_tokens_golden.npz'
const card = fileURLToPath(CONFORMANCE_SMALL)
const missing = !existsSync(card) ? 'conformance graph test/fixtures/models/vim-small-tokens-conformance.* not built yet'
  : !existsSync(GOLDEN) ? 'golden file shared/conformance/…/vim_small_tokens_golden.npz not available' : null

/** The same model without its matrices graph (and forward variant), so the engine uses the TypeScript reference. */
function withoutMatricesGraph(): string {
  const dir = tempDir()
  const json = JSON.parse(readFileSync(card, 'utf8')) as Record<string, unknown>
  delete json['matricesGraph']
  delete json['forwardGraph']
  copyFileSync(join(dirname(card), String(json['file'])), join(dir, String(json['file'])))
  writeFileSync(join(dir, 'vim-small-tokens-conformance.json'), JSON.stringify(json))
  return dir
}

describe.skipIf(missing !== null).each([['matrices graph'], ['TypeScript reference']])(`engine vs official code, small model, %s${missing !== null ? ` (skipped: ${missing})` : ''}`, (source) => {
  let engine: LensEngine
  beforeAll(async () => {
    const modelsDir = source === 'matrices graph' ? dirname(card) : withoutMatricesGraph()
    engine = await createEngine({ modelsDir, preferProviders: ['cpu'], precomputeMatrices: 'never' })
  })
  afterAll(async () => {
    await engine.close()
    cleanup()
  })

  for (const i of [0, 1]) {
    it(`image ${i}: logits and all channel-mean matrices`, async () => {
      const z = loadNpz(GOLDEN)
      const images = npzF32(z, 'images')
      const size = 3 * 64 * 64
      const r = await engine.explainTensor(images.data.slice(i * size, (i + 1) * size), { modelId: 'vim-small-tokens-conformance', topK: 10, methods: ['mamba-rollout'] })
      const logits = npzF32(z, `logits_${i}`).data
      const maxLogit = Math.max(...Array.from(logits, Math.abs))
      for (const s of r.topK) expect(Math.abs(s.logit - logits[s.index]!) / maxLogit).toBeLessThan(1e-4)

      const mats = await engine.matrices(r.runId)
      const L = 17
      const E = 128
      for (const [d, key] of [[0, `attn_fwd_${i}`], [1, `attn_bwd_flipped_${i}`]] as const) {
        const g = npzF32(z, key).data
        for (let l = 0; l < 4; l++) {
          const mean = new Float64Array(L * L)
          for (let e = 0; e < E; e++) for (let k = 0; k < L * L; k++) mean[k]! += g[((l * E + e) * L * L) + k]! / E
          const scale = Math.max(...Array.from(mean, Math.abs))
          const ours = mats[l]![d]!
          let err = 0
          for (let k = 0; k < L * L; k++) err = Math.max(err, Math.abs(ours[k]! - mean[k]!))
          expect(err / scale).toBeLessThan(2e-3)
        }
      }
      // The drill-down of a token is its matrix row/column (lookup path after matrices()).
      const dd = await engine.drilldown(r.runId, 5)
      expect(Array.from(dd.rows[2]![1])).toEqual(Array.from(mats[2]![1].subarray(5 * L, 6 * L)))
    })
  }
})
