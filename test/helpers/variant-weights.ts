/**
 * For tools, benchmarks and tests that open a card's graph file from its bytes (not through the model pool):
 * the external data a variant graph needs (its shared weights are the explainer's bytes, docs/GRAPH_CONTRACT.md
 * "Shared weights"), found through the card beside it (`<name>.json` for `<name>[.<variant>].onnx`).
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { externalWeightsFor } from '../../main/adapters/models/shared-weights'
import type { ExternalWeights } from '../../main/adapters/onnx/session'

/** The card beside a graph file: `<name>.json` for `<name>.onnx` and `<name>.<variant>.onnx` (`gpu-classifier` too). */
export function cardPathOf(graphPath: string): string {
  return join(dirname(graphPath), basename(graphPath).replace(/(\.[a-z-]+)?\.onnx$/, '.json'))
}

/** `externalData` for opening `graphPath` from its bytes: none for an explainer, a card-less graph or one without `weightsFrom`. */
export function externalWeightsOf(graphPath: string): ExternalWeights[] {
  const cardPath = cardPathOf(graphPath)
  if (!existsSync(cardPath)) return []
  const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown> & { file: string; sha256: string }
  const file = basename(graphPath)
  const key = Object.keys(card).find((k) => k.endsWith('Graph') && (card[k] as { file?: unknown } | null)?.file === file)
  return key === undefined ? [] : externalWeightsFor(card, key, readFileSync(join(dirname(graphPath), card.file)))
}
