// Cascading-randomisation graphs for `mamba-lens eval --sanity-cascade DIR`, from a shipped explainer graph
// (no PyTorch needed; main/adapters/eval/randomise-graph.ts):
//
//   node --import tsx scripts/randomise-cascade.ts models/vim-busbra-d12.onnx --out DIR [--depth 12] [--seed 0] [--steps "head,block 11,embedding"]
import { parseArgs } from 'node:util'
import { writeRandomisedCascade } from '../main/adapters/eval/randomise-graph'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, depth: { type: 'string', default: '12' }, seed: { type: 'string', default: '0' }, steps: { type: 'string' } },
})
if (positionals.length !== 1 || values.out === undefined) {
  console.error('usage: randomise-cascade.ts GRAPH.onnx --out DIR [--depth 12] [--seed 0] [--steps "head,block 11,..."]')
  process.exit(2)
}
const only = values.steps?.split(',').map((s) => s.trim())
console.log(`wrote ${writeRandomisedCascade(positionals[0]!, Number(values.depth), values.out, Number(values.seed), only)}`)
