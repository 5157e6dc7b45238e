/**
 * Cascading model-parameter randomisation (Adebayo et al. 2018) applied to the weights of an explainer graph
 * (pure). Same rule as `python -m vimlens.randomise`, which works on a checkpoint and needs PyTorch: step k
 * re-draws the first k groups, top of the network first (head, blocks depth−1 … 0, embedding), each parameter
 * tensor with i.i.d. Gaussian values of its own mean and standard deviation. The graph stores some
 * checkpoint tensors differently, so the statistics are taken per checkpoint tensor, not per initializer:
 *   - per-direction tensors (leading dimension 2: forward and backward branch) are drawn per direction;
 *   - the depthwise conv kernel is split into one initializer per tap (`conv_w0…`): drawn as one tensor;
 *   - `A_ne` holds A = −exp(A_log): A_log is drawn (so A stays negative and the scan stable), then mapped back.
 * Only the random numbers differ from the Python tool (a seeded mulberry32 + Box–Muller stream).
 */
import { mulberry32 } from '../tensor/prng'

/** One weight initializer of the graph: name as the graph builder writes it (`l3_in_proj_40`, `head_w_2826`). */
export interface WeightTensor {
  readonly name: string
  readonly dims: readonly number[]
  readonly data: Float32Array
}

const LAYER = /^l(\d+)_(norm|in_proj|out_proj|conv_w\d+|conv_b|x_proj|dt_w|dt_b|A_ne|D)_\d+$/
const HEAD = /^(norm_f|head_w|head_b)_\d+$/
const EMBEDDING = /^(patch_w|patch_b|cls_token|pos_embed)_\d+$/
/** Roles stored with a leading direction axis of 2. */
const PER_DIRECTION = new Set(['conv_w', 'conv_b', 'x_proj', 'dt_w', 'dt_b', 'A_ne', 'D'])

/** Cascade step names, top of the network first: head, block depth−1 … block 0, embedding. */
export function cascadeSteps(depth: number): string[] {
  return ['head', ...Array.from({ length: depth }, (_, i) => `block ${depth - 1 - i}`), 'embedding']
}

/** The cascade group of an initializer (null: not a parameter, e.g. a constant of the graph) and its role. */
export function groupOf(name: string): { group: string; role: string; layer?: number } | null {
  const l = LAYER.exec(name)
  if (l !== null) return { group: `block ${l[1]}`, role: l[2]!.replace(/^conv_w\d+$/, 'conv_w'), layer: Number(l[1]) }
  const h = HEAD.exec(name)
  if (h !== null) return { group: 'head', role: h[1]! }
  const e = EMBEDDING.exec(name)
  return e !== null ? { group: 'embedding', role: e[1]! } : null
}

/** Index ranges of one checkpoint tensor: [tensor index, start, end) pieces. */
type Pieces = [number, number, number][]

/** Groups the pieces of `tensors` into checkpoint tensors (key → pieces) for the given cascade groups. */
function checkpointTensors(tensors: readonly WeightTensor[], groups: ReadonlySet<string>): Map<string, { role: string; pieces: Pieces }> {
  const out = new Map<string, { role: string; pieces: Pieces }>()
  tensors.forEach((t, ti) => {
    const g = groupOf(t.name)
    if (g === null || !groups.has(g.group)) return
    const dirs = PER_DIRECTION.has(g.role) && t.dims[0] === 2 ? 2 : 1
    const per = t.data.length / dirs
    for (let d = 0; d < dirs; d++) {
      const key = `${g.group}/${g.role}/${d}`
      const entry = out.get(key) ?? { role: g.role, pieces: [] }
      entry.pieces.push([ti, d * per, (d + 1) * per])
      out.set(key, entry)
    }
  })
  return out
}

/**
 * Copies of `tensors` with every parameter of `groups` re-drawn (others shared unchanged). A constant tensor
 * (std 0) stays constant, as in the Python tool.
 */
export function randomiseWeights(tensors: readonly WeightTensor[], groups: ReadonlySet<string>, seed: number): WeightTensor[] {
  const out = tensors.map((t) => ({ ...t, data: t.data }))
  const next = mulberry32(seed)
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  // Sorted keys: the draw does not depend on the order of the graph's initializers.
  const byKey = checkpointTensors(tensors, groups)
  for (const key of [...byKey.keys()].sort()) {
    const { role, pieces } = byKey.get(key)!
    const toSpace = role === 'A_ne' ? (a: number) => Math.log(-a) : (a: number) => a
    const fromSpace = role === 'A_ne' ? (v: number) => -Math.exp(v) : (v: number) => v
    let n = 0
    let sum = 0
    let sq = 0
    for (const [ti, s, e] of pieces) for (let i = s; i < e; i++) { const v = toSpace(tensors[ti]!.data[i]!); n++; sum += v; sq += v * v }
    const mean = sum / n
    const std = Math.sqrt(Math.max(sq / n - mean * mean, 0))
    for (const [ti, s, e] of pieces) {
      if (out[ti]!.data === tensors[ti]!.data) out[ti] = { ...tensors[ti]!, data: Float32Array.from(tensors[ti]!.data) }
      const data = out[ti]!.data
      for (let i = s; i < e; i++) data[i] = fromSpace(gauss() * std + mean)
    }
  }
  return out
}
