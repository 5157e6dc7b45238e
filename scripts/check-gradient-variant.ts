/**
 * The `--input-gradient` variant of a model (python -m vimlens.gradient_variant) must classify exactly as the
 * shipped graph, or its gradient-baseline numbers would not belong to the shipped model. Runs both explainer
 * graphs on one image and prints the largest logit difference; exit 1 above the tolerance.
 *
 *   node --import tsx scripts/check-gradient-variant.ts models/vim-busbra-d12.json .work/grad-variant/vim-busbra-d12-grad.json IMAGE
 */
import { openExplainer } from '../main/adapters/eval/graphs'
import { loadModelInput } from '../main/adapters/eval/input'
import { inputSpecOf } from '../main/adapters/eval/run-eval'
import { loadCardFile } from '../main/adapters/models/registry'

const TOL = 1e-5
const [shippedCard, variantCard, image] = process.argv.slice(2)
if (shippedCard === undefined || variantCard === undefined || image === undefined) {
  console.error('usage: check-gradient-variant.ts SHIPPED.json VARIANT.json IMAGE')
  process.exit(2)
}
const shipped = loadCardFile(shippedCard)
const variant = loadCardFile(variantCard)
const input = await loadModelInput(image, inputSpecOf(shipped))
const target = shipped.card.classes.map((_, i) => (i === 0 ? 1 : 0))
const logitsOf = async (entry: typeof shipped): Promise<{ logits: Float32Array; outputs: string[] }> => {
  const g = await openExplainer(entry, entry.onnxPath)
  try {
    const out = await g.explain(input, target)
    return { logits: out['logits']!.data, outputs: Object.keys(out) }
  } finally {
    await g.close()
  }
}
const a = await logitsOf(shipped)
const b = await logitsOf(variant)
const diff = Math.max(...Array.from(a.logits, (v, i) => Math.abs(v - b.logits[i]!)))
console.log(`shipped logits ${Array.from(a.logits).join(', ')}; variant ${Array.from(b.logits).join(', ')}; max |diff| ${diff.toExponential(2)}`)
console.log(`variant adds: ${b.outputs.filter((o) => !a.outputs.includes(o)).join(', ')}`)
process.exit(diff <= TOL ? 0 : 1)
