// @vitest-environment node
/**
 * CI recomputes a small subset of the committed evaluation (docs/eval/vim-busbra-d12/ci-subset.json, written by
 * `mamba-lens eval` beside the report) from the committed default model and ../shared/data/busbra: the first
 * images of the test fold with every method (explained class, top patch, class contrast, pointing hit,
 * lesion mass, patch AUROC) and one perturbation image for two methods (the §4.1 curves and deletion /
 * insertion). A drift of the graph, the preprocessing, a method or a metric shows here without re-running
 * the whole fold. Skipped, with the reason in the test name, where the data set is absent.
 * Cost: 2 explainer runs per image and 2 × 36 perturbed inputs (30 s measured on the shared 2-core machine).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { readEvalItems, type CardSplit } from '../../../main/adapters/eval/dataset'
import { openEvalGraphs } from '../../../main/adapters/eval/graphs'
import { needsInputGradient } from '../../../main/adapters/eval/maps'
import { evaluateImages, layoutOf } from '../../../main/adapters/eval/run-eval'
import { defaultModel, scanModels } from '../../../main/adapters/models/registry'
import type { CiSubset } from '../../../main/core/eval/ci-subset'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const dataDir = path.resolve(repoRoot, '../shared/data/busbra')
const subsetFile = path.join(repoRoot, 'docs/eval/vim-busbra-d12/ci-subset.json')
const haveData = existsSync(path.join(dataDir, 'bus_data.csv'))
/** Methods whose perturbation curves are recomputed (all would take minutes): ours and MambaLRP. */
const PERTURBED = ['lrp-gated-attention', 'mamba-lrp']
const TOL = 1e-4
/** Equal within TOL, or both undefined (null / NaN: an all-zero map, a constant map). */
const near = (g: number | null | undefined, w: number | null | undefined): boolean =>
  (g == null || Number.isNaN(g)) ? (w == null || Number.isNaN(w)) : w != null && Math.abs(g - w) < TOL

const out = mkdtempSync(path.join(tmpdir(), 'ci-subset-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

describe.skipIf(!haveData)(haveData ? 'committed evaluation subset (BUS-BRA test fold)' : `committed evaluation subset: skipped, no data set at ${dataDir}`, () => {
  it('recomputes to the committed numbers', { timeout: 300_000 }, async () => {
    const subset = JSON.parse(readFileSync(subsetFile, 'utf8')) as CiSubset
    const entry = defaultModel(scanModels(path.join(repoRoot, 'models')))!
    const split = (entry.info.card as { data?: { split?: CardSplit } }).data?.split ?? {}
    const byId = new Map(readEvalItems(dataDir, 'test', entry.card.classes, split).map((it) => [it.id, it]))
    const items = subset.images.map((im) => byId.get(im.id)!)
    const pertImage = subset.images.find((im) => Object.values(im.methods).some((m) => m.perturbation !== undefined))
    expect(items.every((it) => it !== undefined)).toBe(true)
    expect(pertImage).toBeDefined()
    const layout = layoutOf(entry)
    // The subset holds only methods the shipped graph can compute; the gradient baselines (they need the
    // input-gradient outputs of the `--input-gradient` variant) are listed in `excluded`, with the reason.
    const methodIds = Object.keys(subset.images[0]!.methods)
    expect(methodIds.filter(needsInputGradient)).toEqual([])
    const graphs = await openEvalGraphs(entry)
    try {
      const records = await evaluateImages({
        entry, graphs, methodIds, out, perturbationIds: new Set<string>(),
        setup: { grid: { rows: layout.gridRows, cols: layout.gridCols, patchSize: entry.card.patchSize }, norm: entry.card.input, fill: [...subset.fill] },
        progress: () => undefined,
      }, items, false)
      const pert = await evaluateImages({
        entry, graphs, methodIds: PERTURBED, out: path.join(out, 'p'), perturbationIds: new Set([pertImage!.id]),
        setup: { grid: { rows: layout.gridRows, cols: layout.gridCols, patchSize: entry.card.patchSize }, norm: entry.card.input, fill: [...subset.fill] },
        progress: () => undefined,
      }, [byId.get(pertImage!.id)!], false)
      for (const [i, want] of subset.images.entries()) {
        const got = records[i]!
        expect(got.explained, want.id).toBe(want.explained)
        expect(near(got.probability, want.probability), want.id).toBe(true)
        for (const id of methodIds) {
          const g = got.methods[id]!
          const w = want.methods[id]!
          const where = `${want.id} ${id}`
          expect(g.topPatch, where).toBe(w.topPatch)
          expect(near(g.classContrast, w.classContrast), `${where} contrast ${g.classContrast} vs ${w.classContrast}`).toBe(true)
          if (w.hit !== undefined) {
            expect(g.localisation?.hit, where).toBe(w.hit)
            expect(near(g.localisation?.mass, w.mass), `${where} mass`).toBe(true)
            expect(near(g.localisation?.patchAuroc, w.patchAuroc), `${where} AUROC`).toBe(true)
          }
        }
      }
      for (const id of PERTURBED) {
        const g = pert[0]!.methods[id]!.perturbation!
        const w = pertImage!.methods[id]!.perturbation!
        expect(g.positiveCorrect, id).toEqual(w.positiveCorrect)
        expect(g.negativeCorrect, id).toEqual(w.negativeCorrect)
        for (const [k, curve] of [['deletion', g.deletion], ['insertion', g.insertion]] as const) {
          curve.forEach((v, j) => expect(Math.abs(v - w[k][j]!), `${id} ${k}[${j}]`).toBeLessThan(TOL))
        }
      }
    } finally {
      await graphs.close()
    }
  })
})
