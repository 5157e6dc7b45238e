/**
 * Cascading model-parameter randomisation (Adebayo et al. 2018): explainer graphs of the same model with
 * its parameters re-drawn from the top down (head first, then the blocks from the last one, finally the
 * embedding), written by `python -m vimlens.randomise` with a `cascade.json` that lists the steps in order.
 * For each step and method, the Spearman correlation of the 14×14 map with the trained model's map for
 * the same image and explained class. One JSON per step under `<out>/sanity/` makes it resumable.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { spearman } from '../../core/eval/rank'
import type { SanityRecord } from '../../core/eval/records'
import type { ModelEntry } from '../models/registry'
import type { EvalItem } from './dataset'
import { openExplainer } from './graphs'
import { loadModelInput } from './input'
import { mapOf, tapSetOf } from './maps'
import { inputSpecOf, layoutOf, recordName, type PatchMaps } from './run-eval'

/** `cascade.json` written by the randomisation exporter. */
interface Cascade {
  readonly steps: readonly { readonly name: string; readonly file: string }[]
}

/** Per image: the explained class and each method's trained-model patch map (from `<out>/maps`). */
interface Trained {
  readonly item: EvalItem
  readonly explained: number
  readonly maps: Readonly<Record<string, number[]>>
}

function readTrained(out: string, item: EvalItem): Trained {
  const rec = JSON.parse(readFileSync(join(out, 'images', recordName(item.id)), 'utf8')) as { explained: number }
  const maps = JSON.parse(readFileSync(join(out, 'maps', recordName(item.id)), 'utf8')) as PatchMaps
  return { item, explained: rec.explained, maps: maps.explained }
}

/** Runs every step of `cascadeDir` on `items` (already evaluated on the trained model). */
export async function runSanity(entry: ModelEntry, cascadeDir: string, items: readonly EvalItem[], methodIds: readonly string[], out: string,
  progress: (done: number, total: number, label: string) => void): Promise<SanityRecord> {
  const cascade = JSON.parse(readFileSync(join(cascadeDir, 'cascade.json'), 'utf8')) as Cascade
  const dir = join(out, 'sanity')
  mkdirSync(dir, { recursive: true })
  const trained = items.map((it) => readTrained(out, it))
  const card = entry.card
  const layout = layoutOf(entry)
  const [, , h, w] = card.input.shape
  const spec = inputSpecOf(entry)
  const inputs = await Promise.all(items.map((it) => loadModelInput(it.imagePath, spec)))
  const perStep: (number | null)[][][] = []
  for (let s = 0; s < cascade.steps.length; s++) {
    const step = cascade.steps[s]!
    progress(s, cascade.steps.length, `randomised: ${step.name}`)
    const file = join(dir, `${String(s).padStart(2, '0')}.json`)
    const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { step: string; spearman: Record<string, (number | null)[]> }) : undefined
    if (saved !== undefined && saved.step === step.name && methodIds.every((id) => saved.spearman[id]?.length === items.length)) {
      perStep.push(methodIds.map((id) => saved.spearman[id]!))
      continue
    }
    const graphs = await openExplainer(entry, resolve(cascadeDir, step.file))
    const values: Record<string, (number | null)[]> = Object.fromEntries(methodIds.map((id) => [id, []]))
    try {
      for (let i = 0; i < items.length; i++) {
        const t = trained[i]!
        const outputs = await graphs.explain(inputs[i]!, Array.from({ length: card.classes.length }, (_, c) => (c === t.explained ? 1 : 0)))
        const taps = tapSetOf(outputs, layout, card.layers, card.gradFirstLayer)
        for (const id of methodIds) {
          const r = spearman(t.maps[id]!, mapOf(id, taps, h, w).patch)
          values[id]!.push(Number.isFinite(r) ? r : null)
        }
      }
    } finally {
      await graphs.close()
    }
    writeFileSync(file, JSON.stringify({ step: step.name, spearman: values }))
    perStep.push(methodIds.map((id) => values[id]!))
  }
  progress(cascade.steps.length, cascade.steps.length, '')
  const spearmanById = Object.fromEntries(methodIds.map((id, m) => [id, perStep.map((step) => step[m]!)]))
  return { steps: cascade.steps.map((s) => s.name), spearman: spearmanById, images: items.length }
}
