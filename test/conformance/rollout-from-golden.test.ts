// @vitest-environment node
/**
 * Mamba-Rollout (ALGORITHMS.md §3.3) + §3.1 post-processing against the OFFICIAL map, using the
 * official per-layer CLS vectors stored in the golden file (`xai_vec_chanmean_i` = what the graph's
 * `hma_mean` must reproduce). Needs no graph: it checks the TS maths on official inputs.
 */
import { describe, expect, it } from 'vitest'
import { mambaRollout } from '../../main/core/explain/methods/mamba-rollout'
import { runMethod } from '../../main/core/explain/run'
import { makeLayout } from '../../main/core/layout'
import { loadNpz, npzF32 } from '../helpers/npz'
import { TINY_GOLDEN, missingReason, titled } from './golden'
import { relErr } from './tolerance'

const reason = missingReason([TINY_GOLDEN])

describe.skipIf(reason !== null)(titled('Mamba-Rollout from the official CLS vectors (Vim-T golden)', reason), () => {
  const z = reason === null ? loadNpz(TINY_GOLDEN) : new Map()

  it.each([0, 1, 2])('image %i: 196-vector within 1e-3 of generate_rollout (incl. the final clamp ⁺)', (i) => {
    const vec = npzF32(z, `xai_vec_chanmean_${i}`)
    const taps = {
      layout: makeLayout(14),
      layers: 24,
      gradFirstLayer: 15,
      tensors: { hma_mean: { data: vec.data, shape: vec.shape } },
    }
    const out = runMethod(mambaRollout, taps, { startLayer: 15, endLayer: 23 }, { width: 224, height: 224 })
    const golden = npzF32(z, `generate_rollout_${i}`).data
    const err = relErr(out.patchRelevance, golden)
    expect(err).toBeLessThan(1e-3)
    // Without the clamp the maps disagree (the official map is clamped): the check can fail.
    const unclamped = Array.from(out.tokens).filter((_, t) => t !== 98)
    expect(unclamped.some((v) => v < 0)).toBe(true)
  })
})
