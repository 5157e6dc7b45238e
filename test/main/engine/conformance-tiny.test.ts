// @vitest-environment node
/**
 * The real Vim-T conformance graph through the whole runtime (worker, ORT, fromOrt, TS methods):
 * logits (1e-4) and the two class-agnostic official maps (1e-3; 196 values, CLS removed, clamped)
 * against the official code (shared/conformance). Class-specific maps are covered graph-level in
 * test/conformance (the fixture's gradients need special handling, docs/CONFORMANCE.md).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../../../main/engine'
import { loadNpz, npzF32 } from '../../helpers/npz'

const CARD = fileURLToPath(new URL('../../../models/vim-tiny-conformance.json', import.meta.url))
const DIR = '/work/shared/conformance/vim-official-seed1234'
const GRAPH = CARD.replace(/\.json$/, '.onnx')
const missing = !existsSync(GRAPH) ? 'models/vim-tiny-conformance.onnx not built (node scripts/conformance-model.mjs; needs ../shared/conformance)'
  : !existsSync(`${DIR}/vim_tiny_golden.npz`) ? 'shared/conformance golden files not available' : null

function relErr(ours: ArrayLike<number>, golden: ArrayLike<number>): number {
  let num = 0
  let den = 0
  for (let i = 0; i < golden.length; i++) {
    num = Math.max(num, Math.abs(ours[i]! - golden[i]!))
    den = Math.max(den, Math.abs(golden[i]!))
  }
  return num / den
}

describe.skipIf(missing !== null)(`engine vs official code, Vim-T${missing !== null ? ` (skipped: ${missing})` : ''}`, () => {
  it('image 0: logits, raw attention and rollout maps', async () => {
    const z = loadNpz(`${DIR}/vim_tiny_golden.npz`)
    const argmax = (JSON.parse(readFileSync(`${DIR}/meta.json`, 'utf8')) as { argmax: number[] }).argmax[0]!
    const images = npzF32(z, 'images')
    const engine = await createEngine({ modelsDir: dirname(CARD), preload: false, precomputeMatrices: 'never' })
    try {
      const r = await engine.explainTensor(images.data.slice(0, 3 * 224 * 224), { modelId: 'vim-tiny-conformance', targetClass: argmax, topK: 1000, methods: ['raw-attention', 'mamba-rollout'] })
      expect(r.timings['graphRuns']).toBe(1)
      const logits = new Float32Array(1000)
      for (const s of r.topK) logits[s.index] = s.logit
      expect(relErr(logits, npzF32(z, 'logits').data.subarray(0, 1000))).toBeLessThan(1e-4)
      const byId = new Map(r.methods.map((m) => [m.methodId, m.patchRelevance]))
      expect(relErr(byId.get('raw-attention')!, npzF32(z, 'generate_raw_attn_0').data)).toBeLessThan(1e-3)
      expect(relErr(byId.get('mamba-rollout')!, npzF32(z, 'generate_rollout_0').data)).toBeLessThan(1e-3)
    } finally {
      await engine.close()
    }
  })
})
