// Reproduces docs/eval/vim-busbra-d12/ and the default model card's evaluated methods in one command:
//
//   node scripts/eval-busbra.mjs [--perturbation-n 6] [--sanity-n 6] [--multi-run-n 0] [--sanity-multi-run-n 0] [--work .work/eval-busbra]
//                                [--provider cuda --shards 6] [--recorded-only]
//
// --provider cuda runs the card's GPU graphs; --shards K runs K eval processes side by side on disjoint images
// (`--shard i/K`: on a GPU a run's time is mostly host time per node, so processes overlap), then the aggregating run.
// The whole test fold (--perturbation-n 376 --sanity-n 376 --multi-run-n 376) is hours on a CPU, minutes on a GPU.
// --recorded-only reports a run stopped part way: its perturbation and randomisation images are those already recorded with them.
//
// With PyTorch (PYTHON=/path/to/python with torch and onnx; default python3) the gradient baselines are
// evaluated too: the shipped graph's weights are recovered (vimlens.recover) and its `--input-gradient` variant
// written into <work>-grad (vimlens.gradient_variant: the same logits, plus grad_image / grad_input); the eval
// then runs on that variant. Without PyTorch it runs on the shipped graph, without the gradient baselines.
// 0. the randomisation cascade (head, blocks 11, 8, 5, 2, embedding; seed 0) from the evaluated graph into
//    <work>-grad-cascade or <work>-cascade (scripts/randomise-cascade.ts), unless it is there;
// 1. `mamba-lens eval` of the default model over the BUS-BRA test fold (../shared/data/busbra), every method
//    its graph supports; resumable: the per-image records stay in the git-ignored work folder;
// 2. `python -m vimlens.eval_marks`: relevance on burned-in marks, from the run's patch maps;
// 3. the eval again with --resume (no graph run for finished images): the report gains the marks table;
// 4. the aggregates (report.md, results.json, SVG curves, marks.json, ci-subset.json; never the per-image
//    maps or records) are copied to docs/eval/vim-busbra-d12/, and the card gets `evaluation.methods`
//    (the trust panel's record per method) and `defaultMethod` (the best-ranked method; the app opens with it).
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const data = path.resolve(root, '../shared/data/busbra')
const card = path.join(root, 'models/vim-busbra-d12.json')
const docs = path.join(root, 'docs/eval/vim-busbra-d12')

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const work = path.resolve(root, opt('work', '.work/eval-busbra'))
const gradDir = `${work}-grad`
const python = process.env.PYTHON ?? 'python3'
const tools = path.join(root, 'models/tools')
const toolsEnv = { ...process.env, PYTHONPATH: '.' }

if (!existsSync(path.join(data, 'bus_data.csv'))) {
  console.error(`eval-busbra: BUS-BRA not found at ${data}`)
  process.exit(2)
}

function run(cmd, argv, cwd = root, env = process.env) {
  console.log(`$ ${[cmd, ...argv].join(' ')}`)
  const r = spawnSync(cmd, argv, { cwd, stdio: 'inherit', env })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const gradCard = path.join(gradDir, 'vim-busbra-d12-grad.json')
const hasTorch = spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0
if (hasTorch && !existsSync(gradCard)) {
  run(python, ['-m', 'vimlens.recover', path.join(root, 'models/vim-busbra-d12.onnx'), '--out', path.join(gradDir, 'vim-busbra-d12.pt')], tools, toolsEnv)
  run(python, ['-m', 'vimlens.gradient_variant', card, path.join(gradDir, 'vim-busbra-d12.pt'), '--out', gradDir], tools, toolsEnv)
}
if (!hasTorch) console.log(`eval-busbra: no PyTorch for ${python} (set PYTHON): the gradient baselines are left out`)
const model = hasTorch ? ['--models-dir', path.relative(root, gradDir), '--model', 'vim-busbra-d12-grad'] : []
// The cascade is re-drawn from the evaluated graph (same initializers, same seed: the same randomised weights
// either way), so that gradient × input, whose outputs only the variant has, gets the randomisation test too.
const cascade = hasTorch ? `${work}-grad-cascade` : `${work}-cascade`
if (!existsSync(path.join(cascade, 'cascade.json'))) {
  const graph = hasTorch ? path.join(gradDir, 'vim-busbra-d12-grad.onnx') : path.join(root, 'models/vim-busbra-d12.onnx')
  run('node', ['--import', 'tsx', 'scripts/randomise-cascade.ts', path.relative(root, graph), '--out', path.relative(root, cascade),
    '--depth', '12', '--seed', '0', '--steps', 'head,block 11,block 8,block 5,block 2,embedding'])
}
const evalArgv = ['bin/mamba-lens.mjs', 'eval', ...model, '--data', '../shared/data/busbra', '--out', path.relative(root, work),
  '--perturbation-n', opt('perturbation-n', '6'), '--multi-run-n', opt('multi-run-n', '0'),
  '--sanity-cascade', path.relative(root, cascade), '--sanity-n', opt('sanity-n', '6'),
  '--sanity-multi-run-n', opt('sanity-multi-run-n', '0'), '--resume', '--provider', opt('provider', 'cpu'), ...(args.includes('--recorded-only') ? ['--recorded-only'] : [])]
const shards = Number(opt('shards', '1'))
if (shards > 1) {
  console.log(`$ ${shards} × node ${evalArgv.join(' ')} --shard i/${shards}`)
  const exits = await Promise.all(Array.from({ length: shards }, (_, i) => new Promise((done) => {
    spawn('node', [...evalArgv, '--shard', `${i}/${shards}`], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }).on('exit', done)
  })))
  if (exits.some((c) => c !== 0)) process.exit(1)
}
run('node', evalArgv)
run('python3', ['-m', 'vimlens.eval_marks', work, data], tools, toolsEnv)
run('node', evalArgv)

mkdirSync(docs, { recursive: true })
for (const f of readdirSync(work)) {
  if (/\.(svg|md)$/.test(f) || ['results.json', 'marks.json', 'ci-subset.json'].includes(f)) copyFileSync(path.join(work, f), path.join(docs, f))
}

// The card is rewritten by Python's json (as the exporter writes it), so its other fields keep their formatting.
const results = JSON.parse(readFileSync(path.join(work, 'results.json'), 'utf8'))
const update = `import json, sys
card, methods, default = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
c = json.load(open(card))
c["evaluation"]["methods"] = methods
c["evaluation"]["methodsReport"] = "docs/eval/vim-busbra-d12/report.md"
c["defaultMethod"] = default
open(card, "w").write(json.dumps(c, indent=1) + "\\n")`
run('python3', ['-c', update, card, JSON.stringify(results.cardEvaluation), results.defaultMethod])
console.log(`eval-busbra: docs/eval/vim-busbra-d12/ written; card defaultMethod = ${results.defaultMethod}`)
