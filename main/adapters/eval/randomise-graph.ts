/**
 * Writes the cascading-randomisation graphs for `mamba-lens eval --sanity-cascade` straight from a shipped
 * explainer graph, without PyTorch or the Python onnx package: the graph's float32 weight initializers are
 * located in the ONNX protobuf (ModelProto.graph = field 7, GraphProto.initializer = 5, TensorProto name = 8,
 * dims = 1, data_type = 2, raw_data = 9), re-drawn by core/eval/randomise.ts and written back in place
 * (same byte length, so every enclosing length prefix stays valid). Everything else is byte-identical.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cascadeSteps, randomiseWeights, type WeightTensor } from '../../core/eval/randomise'

interface Field { readonly field: number; readonly wire: number; readonly value: number; readonly start: number; readonly end: number }

function varint(b: Uint8Array, p: number): [number, number] {
  let v = 0
  let s = 0
  let x
  do { x = b[p++]!; v += (x & 0x7f) * 2 ** s; s += 7 } while (x & 0x80)
  return [v, p]
}

/** The fields of one protobuf message in `b[start, end)` (length-delimited ones as byte ranges). */
function fields(b: Uint8Array, start: number, end: number): Field[] {
  const out: Field[] = []
  let p = start
  while (p < end) {
    let key
    ;[key, p] = varint(b, p)
    const field = Math.floor(key / 8)
    const wire = key & 7
    if (wire === 0) { let v; [v, p] = varint(b, p); out.push({ field, wire, value: v, start: p, end: p }) }
    else if (wire === 2) { let n; [n, p] = varint(b, p); out.push({ field, wire, value: n, start: p, end: p + n }); p += n }
    else if (wire === 5) { out.push({ field, wire, value: 0, start: p, end: p + 4 }); p += 4 }
    else if (wire === 1) { out.push({ field, wire, value: 0, start: p, end: p + 8 }); p += 8 }
    else throw new Error(`unsupported protobuf wire type ${wire}`)
  }
  return out
}

/** Float32 initializers stored as raw_data, with where their bytes are. */
export function readWeights(b: Uint8Array): { tensors: WeightTensor[]; at: [number, number][] } {
  const graph = fields(b, 0, b.length).find((f) => f.field === 7 && f.wire === 2)
  if (graph === undefined) throw new Error('not an ONNX model (no graph)')
  const tensors: WeightTensor[] = []
  const at: [number, number][] = []
  for (const init of fields(b, graph.start, graph.end)) {
    if (init.field !== 5 || init.wire !== 2) continue
    let name = ''
    let type = 0
    let raw: Field | undefined
    const dims: number[] = []
    for (const f of fields(b, init.start, init.end)) {
      if (f.field === 8) name = new TextDecoder().decode(b.subarray(f.start, f.end))
      else if (f.field === 1 && f.wire === 0) dims.push(f.value)
      else if (f.field === 2) type = f.value
      else if (f.field === 9) raw = f
    }
    if (type !== 1 || raw === undefined) continue
    tensors.push({ name, dims, data: new Float32Array(new Uint8Array(b.subarray(raw.start, raw.end)).buffer) })
    at.push([raw.start, raw.end])
  }
  return { tensors, at }
}

/**
 * Writes `step-NN.onnx` for the cascade steps named in `only` (all when absent; the cascade stays
 * cumulative) and `cascade.json` as `vimlens.randomise` does. Returns the manifest path.
 */
export function writeRandomisedCascade(graphFile: string, depth: number, out: string, seed: number, only?: readonly string[]): string {
  const bytes = new Uint8Array(readFileSync(graphFile))
  const { tensors, at } = readWeights(bytes)
  const names = cascadeSteps(depth)
  mkdirSync(out, { recursive: true })
  const steps: { name: string; file: string; randomised: string[] }[] = []
  for (let k = 1; k <= names.length; k++) {
    if (only !== undefined && !only.includes(names[k - 1]!)) continue
    const drawn = randomiseWeights(tensors, new Set(names.slice(0, k)), seed)
    const copy = Uint8Array.from(bytes)
    drawn.forEach((t, i) => { if (t.data !== tensors[i]!.data) copy.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at[i]![0]) })
    const file = `step-${String(k).padStart(2, '0')}.onnx`
    writeFileSync(join(out, file), copy)
    steps.push({ name: names[k - 1]!, file, randomised: names.slice(0, k) })
  }
  const manifest = join(out, 'cascade.json')
  writeFileSync(manifest, `${JSON.stringify({ graph: graphFile.split(/[/\\]/).pop(), seed, rule: 'iid Gaussian with each checkpoint tensor\'s mean and std (A through A_log)', steps }, null, 1)}\n`)
  return manifest
}
