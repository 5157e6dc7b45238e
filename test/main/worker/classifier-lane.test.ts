// @vitest-environment node
/**
 * The batch classifier's second lane (main/worker/classifier-lane.ts): the default model's classifier graph in
 * a thread of its own gives the same logits and features as a session on this thread; a graph whose sha256 does
 * not match never becomes ready, and a closed lane refuses work (the worker then runs the batch itself).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as ort from '../../../main/adapters/onnx/runtime'
import { openSession } from '../../../main/adapters/onnx/session'
import { ClassifierLane } from '../../../main/worker/classifier-lane'
import { relErr } from '../../conformance/tolerance'
import { externalWeightsOf } from '../../helpers/variant-weights'

const card = JSON.parse(readFileSync(fileURLToPath(new URL('../../../models/vim-busbra-d12.json', import.meta.url)), 'utf8')) as {
  classifierGraph: { file: string; sha256: string }
}
const graphPath = fileURLToPath(new URL(`../../../models/${card.classifierGraph.file}`, import.meta.url))
// The classifier reads its weights from the explainer's bytes (shared weights).
const externalData = externalWeightsOf(graphPath)
const shape = [3, 224, 224] as const
const per = 3 * 224 * 224

describe('classifier lane', () => {
  it('answers a batch exactly as a session on this thread does', async () => {
    const lane = new ClassifierLane({ graphPath, sha256: card.classifierGraph.sha256, inputName: 'image', intraOpNumThreads: 1, externalData })
    try {
      expect(await lane.started).toBe(true)
      expect(lane.ready).toBe(true)
      const inputs = Float32Array.from({ length: 3 * per }, (_, i) => Math.sin(i * 0.37) * (1 + Math.floor(i / per)))
      const kept = inputs.slice()
      const out = await lane.run(inputs, 3, shape)
      // The caller's array is copied, not transferred away.
      expect(inputs).toEqual(kept)
      const local = (await openSession(readFileSync(graphPath), { preferProviders: ['cpu'], externalData })).session
      const ref = await local.run({ image: new ort.Tensor('float32', inputs, [3, ...shape]) })
      await local.release()
      expect([out.logits.length, out.featureDim]).toEqual([6, 192])
      expect(relErr(out.logits, ref['logits']!.data as Float32Array)).toBeLessThan(1e-5)
      expect(relErr(out.features, ref['features']!.data as Float32Array)).toBeLessThan(1e-5)
      // Inputs differ, so do their answers: the halves are not mixed up.
      expect(relErr(out.logits.subarray(0, 2), out.logits.subarray(4, 6))).toBeGreaterThan(1e-3)
    } finally {
      await lane.close()
    }
    await expect(lane.run(new Float32Array(per), 1, shape)).rejects.toThrow(/not ready/)
  }, 60_000)

  it('never becomes ready on a graph that is not the one the card names', async () => {
    const lane = new ClassifierLane({ graphPath, sha256: '0'.repeat(64), inputName: 'image', intraOpNumThreads: 1, externalData })
    expect(await lane.started).toBe(false)
    expect(lane.ready).toBe(false)
    await expect(lane.run(new Float32Array(per), 1, shape)).rejects.toThrow(/not ready/)
    await lane.close()
  }, 60_000)
})
