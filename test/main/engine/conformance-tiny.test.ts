// @vitest-environment node
/**
 * The real Vim-T conformance graph through the whole runtime (worker, ORT, fromOrt, TS methods):
 * logits (1e-4) and the three official maps (1e-3; 196 values, CLS removed, clamped), Mamba-Attribution
 * included (class-specific, from the graph's own gradients), against the official code (../shared/conformance).
 */
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../../../main/engine'
import { loadNpz, npzF32 } from '../../helpers/npz'
import { relErr } from '../../conformance/tolerance'
import { META, TINY_GOLDEN, TINY_GRAPH, missingReason, readMeta, titled } from '../../conformance/golden'

const CARD = TINY_GRAPH.replace(/\.onnx$/, '.json')
const missing = missingReason([CARD, TINY_GRAPH, TINY_GOLDEN, META])

describe.skipIf(missing !== null)(titled('engine vs official code, Vim-T', missing), () => {
  it('image 0: logits, raw attention, rollout and attribution maps', async () => {
    const z = loadNpz(TINY_GOLDEN)
    const argmax = readMeta().argmax[0]!
    const images = npzF32(z, 'images')
    const engine = await createEngine({ modelsDir: dirname(CARD), preload: false, precomputeMatrices: 'never' })
    try {
      const r = await engine.explainTensor(images.data.slice(0, 3 * 224 * 224), { modelId: 'vim-tiny-conformance', targetClass: argmax, topK: 1000, methods: ['raw-attention', 'mamba-rollout', 'mamba-attribution'] })
      expect(r.timings['graphRuns']).toBe(1)
      const logits = new Float32Array(1000)
      for (const s of r.topK) logits[s.index] = s.logit
      expect(relErr(logits, npzF32(z, 'logits').data.subarray(0, 1000))).toBeLessThan(1e-4)
      const byId = new Map(r.methods.map((m) => [m.methodId, m.patchRelevance]))
      expect(relErr(byId.get('raw-attention')!, npzF32(z, 'generate_raw_attn_0').data)).toBeLessThan(1e-3)
      expect(relErr(byId.get('mamba-rollout')!, npzF32(z, 'generate_rollout_0').data)).toBeLessThan(1e-3)
      expect(relErr(byId.get('mamba-attribution')!, npzF32(z, 'generate_mamba_attr_0').data)).toBeLessThan(1e-3)
    } finally {
      await engine.close()
    }
  })
})
