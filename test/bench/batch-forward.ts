/**
 * Forward-only batch throughput of a batch classifier graph (input `image` [N, 3, S, S], output `logits`
 * [N, classes]) on one provider: images per second for each batch size, median of --runs timed runs after
 * two warm-ups. With --reference GRAPH (another build of the same classifier, e.g. the Scan graph) the
 * first batch's logits of both are compared (max |Δ| / max |ref|, reference on the CPU). With --out FILE the result
 * JSON is written there after every batch size (a batch that runs out of GPU memory keeps the ones before it). A variant graph that
 * reads its weights from the explainer (card `weightsFrom`, e.g. models/vim-busbra-d12.gpu-classifier.onnx)
 * gets them through the card beside it (test/helpers/variant-weights.ts). Not a test.
 *
 *   npx tsx test/bench/batch-forward.ts --graph G.onnx --provider cuda --batches 1,16,64,128 [--runs 10] [--reference R.onnx] [--out F.json]
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as ort from '../../main/adapters/onnx/runtime'
import { openSession } from '../../main/adapters/onnx/session'
import { isExecutionProvider } from '../../main/adapters/onnx/providers'
import { externalWeightsOf } from '../helpers/variant-weights'

const { values } = parseArgs({ options: {
  graph: { type: 'string' }, provider: { type: 'string' }, batches: { type: 'string' }, runs: { type: 'string' }, reference: { type: 'string' }, out: { type: 'string' },
} })
const provider = values.provider ?? 'cpu'
if (values.graph === undefined || !isExecutionProvider(provider)) throw new Error('usage: --graph G.onnx --provider cuda|cpu --batches 1,64')
const batches = (values.batches ?? '1,16,64').split(',').map(Number)
const runs = Number(values.runs ?? 10)
const { session, provider: ran } = await openSession(readFileSync(values.graph), { preferProviders: [provider], externalData: externalWeightsOf(values.graph) })
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
// A deterministic input in the normalised range; the timing does not depend on the values.
const images = (n: number): ort.Tensor => {
  const data = new Float32Array(n * 3 * 224 * 224)
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001 + Math.floor(i / 150528)) * 1.5
  return new ort.Tensor('float32', data, [n, 3, 224, 224])
}
const result: Record<string, unknown> = { graph: values.graph, provider: ran, runs }
for (const n of batches) {
  const feeds = { image: images(n) }
  for (let i = 0; i < 2; i++) await session.run(feeds, ['logits'])
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await session.run(feeds, ['logits'])
    ms.push(performance.now() - t)
  }
  result[`batch${n}`] = { medianMs: Math.round(median(ms) * 100) / 100, imagesPerSecond: Math.round((n * 1000) / median(ms)) }
  console.log(provider, 'batch', n, JSON.stringify(result[`batch${n}`]))
  if (values.out !== undefined) writeFileSync(values.out, JSON.stringify(result, null, 1) + '\n')
}
if (values.reference !== undefined) {
  const n = batches[0]!
  const ref = await openSession(readFileSync(values.reference), { preferProviders: ['cpu'], externalData: externalWeightsOf(values.reference) })
  const a = (await session.run({ image: images(n) }, ['logits']))['logits']!.data as Float32Array
  const b = (await ref.session.run({ image: images(n) }, ['logits']))['logits']!.data as Float32Array
  let num = 0
  let den = 0
  for (let i = 0; i < b.length; i++) { num = Math.max(num, Math.abs(a[i]! - b[i]!)); den = Math.max(den, Math.abs(b[i]!)) }
  result['logitsRelErrVsReferenceOnCpu'] = Number((num / den).toExponential(2))
  await ref.session.release()
}
await session.release()
if (values.out !== undefined) writeFileSync(values.out, JSON.stringify(result, null, 1) + '\n')
console.log(JSON.stringify(result))
