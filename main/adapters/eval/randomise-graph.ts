/**
 * Writes the cascading-randomisation graphs for `mamba-lens eval --sanity-cascade` straight from a shipped
 * explainer graph, without PyTorch or the Python onnx package: the graph's float32 weight initializers are
 * located in the ONNX protobuf (ModelProto.graph = field 7, GraphProto.initializer = 5, TensorProto name = 8,
 * dims = 1, data_type = 2, raw_data = 9), re-drawn by core/eval/randomise.ts and written back in place
 * (same byte length, so every enclosing length prefix stays valid). Everything else is byte-identical.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cascadeSteps, groupOf, randomiseWeights, type WeightTensor } from '../../core/eval/randomise'

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

/** An initializer's name without the builder's numeric suffix (`l3_norm_40` → `l3_norm`). */
const baseName = (name: string): string => name.replace(/_\d+$/, '')

/**
 * A copy of variant graph `variant` (GPU graph, classifier, …) whose inline parameter initializers hold the values of
 * a weight-randomised explainer `randomised` instead of the trained explainer `trained`'s. Variants read their large
 * weights from the explainer's bytes (external data), which a randomised copy replaces as a whole; tensors under
 * 1 kB stay inline in the variant (models/tools/vimlens/shared_weights.py), e.g. the final norm and the head bias,
 * and are matched here by parameter name and trained bytes. Same length, so the protobuf stays valid.
 */
export function transplantWeights(variant: Uint8Array, trained: Uint8Array, randomised: Uint8Array): Uint8Array {
  const from = readWeights(trained)
  const to = readWeights(randomised)
  const own = readWeights(variant)
  const copy = Uint8Array.from(variant)
  own.tensors.forEach((t, i) => {
    if (groupOf(t.name) === null) return
    const same = (u: WeightTensor) => baseName(u.name) === baseName(t.name) && u.data.length === t.data.length && u.data.every((v, k) => Object.is(v, t.data[k]))
    const j = from.tensors.findIndex(same)
    if (j < 0) throw new Error(`variant initializer ${t.name}: no explainer parameter with its name and values`)
    const r = to.tensors[j]!.data
    copy.set(new Uint8Array(r.buffer, r.byteOffset, r.byteLength), own.at[i]![0])
  })
  return copy
}
