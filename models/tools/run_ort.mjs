// Runs an ONNX graph with onnxruntime-node on raw float32 files (see vimlens/ort_runner.py).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ort from 'onnxruntime-node'

const [model, dir, threads] = process.argv.slice(2)
const meta = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'))
const opts = Number(threads) > 0 ? { intraOpNumThreads: Number(threads) } : {}
const session = await ort.InferenceSession.create(model, opts)
const feeds = {}
for (const [name, shape] of Object.entries(meta)) {
  const buf = readFileSync(join(dir, `in_${name}.bin`))
  feeds[name] = new ort.Tensor('float32', new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), shape)
}
const out = await session.run(feeds)
const shapes = {}
for (const [name, t] of Object.entries(out)) {
  writeFileSync(join(dir, `out_${name}.bin`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))
  shapes[name] = t.dims
}
writeFileSync(join(dir, 'outputs.json'), JSON.stringify(shapes))
await session.release()
