// @vitest-environment node
/**
 * Full hidden-attention matrices (ALGORITHMS.md §2.1–2.2) of the small-token model
 * (img 64, patch 16, 17 tokens, CLS 8, E = 128, 4 layers): TS matrices rebuilt from the graph's
 * `delta`/`B`/`C`/`A` vs the channel mean of the official `attn_fwd_i` / `attn_bwd_flipped_i`
 * (stored as float16 values), tolerance 2e-3; logits 1e-4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attentionFactorsFromTaps, type AttentionFactors, type Direction } from '../../main/core/attention/factors'
import { attentionMatrix, bidirectionalMatrix } from '../../main/core/attention/matrix'
import { attentionRowColumn } from '../../main/core/attention/row-col'
import { argmax } from '../../main/core/tensor/stats'
import { rowView } from '../../main/core/tensor/f32'
import { loadNpz, npzF32, type NpyArray } from '../helpers/npz'
import type { GraphOutputs } from '../helpers/run-graph'
import { SMALL_GOLDEN, SMALL_GRAPH, missingReason, titled } from './golden'
import { channelMean, relErr } from './tolerance'

const reason = missingReason([SMALL_GOLDEN, SMALL_GRAPH])
const IMAGES = [0, 1] as const
const LAYERS = [0, 1, 2, 3] as const
const L = 17

describe.skipIf(reason !== null)(titled('attention matrices: small-token graph factors vs official', reason), () => {
  let z: Map<string, NpyArray>
  const runs: { outputs: GraphOutputs; factors: AttentionFactors }[] = []
  let release: () => Promise<void> = async () => undefined

  beforeAll(async () => {
    const g = await import('../helpers/run-graph')
    release = g.releaseGraphs
    z = loadNpz(SMALL_GOLDEN)
    const images = npzF32(z, 'images')
    const card = g.readCard(SMALL_GRAPH)
    for (const i of IMAGES) {
      const target = argmax(npzF32(z, `logits_${i}`).data)
      const image = { data: rowView({ data: images.data, shape: images.shape }, i), shape: [1, 3, 64, 64] }
      const outputs = await g.runGraph(SMALL_GRAPH, image, target)
      runs.push({ outputs, factors: attentionFactorsFromTaps(g.tapSetFromOutputs(outputs, card)) })
    }
  }, 600_000)

  afterAll(async () => release())

  it.each(IMAGES)('image %i: logits within 1e-4', (i) => {
    expect(relErr(runs[i]!.outputs['logits']!.data, npzF32(z, `logits_${i}`).data)).toBeLessThan(1e-4)
  })

  const golden = (i: number, dir: Direction, layer: number): Float64Array => {
    const g = npzF32(z, dir === 0 ? `attn_fwd_${i}` : `attn_bwd_flipped_${i}`)
    const [, E = 0] = g.shape
    return channelMean(g.data, layer * E * L * L, E, L * L)
  }

  describe.each(IMAGES)('image %i', (i) => {
    it.each(LAYERS.flatMap((l) => [[l, 0], [l, 1]] as const))('layer %i dir %i: channel-mean matrix within 2e-3', (layer, dir) => {
      const f = runs[i]!.factors
      expect([f.layers, f.tokens]).toEqual([4, L])
      expect(relErr(attentionMatrix(f, layer, dir), golden(i, dir, layer))).toBeLessThan(2e-3)
    })

    it('rows/columns (running products) agree with the golden matrices; bidirectional = sum', () => {
      const f = runs[i]!.factors
      for (const layer of LAYERS) {
        const sum = bidirectionalMatrix(f, layer)
        const want = golden(i, 0, layer).map((v, k) => v + golden(i, 1, layer)[k]!)
        expect(relErr(sum, want)).toBeLessThan(2e-3)
        for (const dir of [0, 1] as const) {
          const g = golden(i, dir, layer)
          for (const t of [0, 8, 16]) {
            const rc = attentionRowColumn(f, layer, dir, t)
            const scale = Math.max(...g.map(Math.abs))
            const rowErr = Math.max(...rc.row.map((v, j) => Math.abs(v - g[t * L + j]!)))
            const colErr = Math.max(...rc.col.map((v, r) => Math.abs(v - g[r * L + t]!)))
            expect(Math.max(rowErr, colErr) / scale).toBeLessThan(2e-3)
          }
        }
      }
    })
  })
})
