// @vitest-environment node
/**
 * Partial-lookup drill-down on the real graphs: right after a run (one matrices piece done, from the
 * matrices graph) and after the background finished (every layer a lookup), the rows and columns equal
 * the all-TypeScript drill-down from the factors within 1e-5 of each vector's largest value.
 * The reference comes from a second engine with `precomputeMatrices: 'never'` (same graph, same feeds:
 * identical factors).
 */
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { EngineImage } from '../../../main/core/engine/api'
import { createEngine } from '../../../main/engine'
import { CONFORMANCE_SMALL } from '../adapters/onnx/fixtures/temp'
import { EventLog, maxRelErr } from './background-events'

const VIM_T = fileURLToPath(new URL('../../../models/vim-tiny-conformance.json', import.meta.url))
const SMALL = fileURLToPath(CONFORMANCE_SMALL)

function photo(width: number, height: number): EngineImage {
  const rgb = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set([(x * 255) / width, (y * 255) / height, (x ^ y) & 0xff], (y * width + x) * 3)
  return { width, height, rgb, sourceSha256: '0'.repeat(64) }
}

const cases = [
  { name: 'small conformance model (17 tokens, 4 layers)', card: SMALL, id: 'vim-small-tokens-conformance', tokens: [0, 8, 16], image: photo(80, 64) },
  { name: 'Vim-T (197 tokens, 24 layers)', card: VIM_T, id: 'vim-tiny-conformance', tokens: [98, 150], image: photo(320, 240) },
]

describe.each(cases)('partial-lookup drill-down, $name', ({ card, id, tokens, image }) => {
  // The Vim-T graph is built from ../shared/conformance (scripts/conformance-model.mjs), not committed.
  it.skipIf(!existsSync(card.replace(/\.json$/, '.onnx')))('equals the TypeScript drill-down right after the run and after the background completed', async () => {
    const modelsDir = dirname(card)
    const ref = await createEngine({ modelsDir, preferProviders: ['cpu'], preload: false, precomputeMatrices: 'never' })
    const r0 = await ref.explain(image, { modelId: id, methods: ['raw-attention'] })
    const expected = []
    for (const t of tokens) {
      const dd = await ref.drilldown(r0.runId, t)
      expect(dd.source).toBe('factors')
      expected.push(dd)
    }
    await ref.close()

    const log = new EventLog()
    const engine = await createEngine({ modelsDir, preferProviders: ['cpu'], preload: false, precomputeMatrices: 'always', onBackground: log.listener })
    try {
      const r = await engine.explain(image, { modelId: id, methods: ['raw-attention'] })
      const layers = engine.listModels().find((m) => m.id === id)!.layers
      // Submitted right after the run: only the piece already in the worker is done when it runs.
      const early = await engine.drilldown(r.runId, tokens[0]!)
      expect([early.source, early.lookupLayers]).toEqual(['mixed', 1])
      expect(maxRelErr(early.rows, expected[0]!.rows)).toBeLessThan(1e-5)
      expect(maxRelErr(early.cols, expected[0]!.cols)).toBeLessThan(1e-5)
      const status = engine.matricesStatus(r.runId)!
      await log.complete(status.key)
      expect(log.events(status.key).filter((e) => e.type === 'piece' && e.source === 'graph')).toHaveLength(layers)
      for (const [k, t] of tokens.entries()) {
        const dd = await engine.drilldown(r.runId, t)
        expect([dd.source, dd.lookupLayers]).toEqual(['matrices', layers])
        expect(maxRelErr(dd.rows, expected[k]!.rows)).toBeLessThan(1e-5)
        expect(maxRelErr(dd.cols, expected[k]!.cols)).toBeLessThan(1e-5)
        expect(dd.profile).toEqual(expected[k]!.profile)
      }
    } finally {
      await engine.close()
    }
  })
})
