// Benchmark of the explainer graph alone (issue: Vim → ONNX): node count, session creation, run latency,
// peak RSS, with onnxruntime-node on this machine's CPU. Not a test: writes docs/bench/graph-<host>.json.
//   node models/tools/bench_graph.mjs [model.onnx] [runs]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import ort from 'onnxruntime-node'

const model = process.argv[2] ?? 'models/vim-tiny-conformance.onnx'
const runs = Number(process.argv[3] ?? 10)
// A forward-only variant (NAME.forward.onnx) is described by its base model's card.
const variant = model.endsWith('.forward.onnx') ? 'forward' : 'full'
const card = JSON.parse(readFileSync(model.replace(/(\.forward)?\.onnx$/, '.json'), 'utf8'))
const [, c, h, w] = card.input.shape
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

let peak = process.memoryUsage().rss
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss) }
const timer = setInterval(sample, 5)

let t = performance.now()
// Same flush-to-zero setting as the app's sessions (main/adapters/onnx/session.ts).
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: os.cpus().length, extra: { session: { set_denormal_as_zero: '1' } } })
const sessionMs = performance.now() - t
const image = new ort.Tensor('float32', Float32Array.from({ length: c * h * w }, (_, i) => Math.sin(i) * 1.5), [1, c, h, w])
const target = new Float32Array(card.classes.length); target[0] = 1
const runMs = []
for (let i = 0; i < runs + 1; i++) {
  t = performance.now()
  await session.run(variant === 'forward' ? { image } : { image, target: new ort.Tensor('float32', target, [target.length]) })
  if (i > 0) runMs.push(performance.now() - t)    // the first run includes lazy allocations
  sample()
}
clearInterval(timer)
const result = {
  date: new Date().toISOString(), model: card.name, variant, sha256: variant === 'forward' ? card.forwardGraph?.sha256 : card.sha256, host: os.hostname(), cpu: os.cpus()[0]?.model,
  cores: os.cpus().length, runtime: `onnxruntime-node ${ort.env.versions?.common ?? ''}`.trim(),
  sessionCreateMs: Math.round(sessionMs), runMsMedian: Math.round(median(runMs)), runMsMin: Math.round(Math.min(...runMs)),
  runs, peakRssMB: Math.round(peak / 1e6), graphNodes: variant === 'forward' ? card.forwardGraph?.nodes : card.graph?.nodes,
  loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
}
mkdirSync('docs/bench', { recursive: true })
writeFileSync(`docs/bench/graph-${card.name}${variant === 'forward' ? '.forward' : ''}-${os.cpus().length}cores.json`, JSON.stringify(result, null, 1) + '\n')
console.log(result)
await session.release()
