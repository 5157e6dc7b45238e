/**
 * Load-time checks of a model (STYLE.md §1.4): the file is the one the card names (sha256), and the
 * graph's declared inputs/outputs are the card's (names, float32, shapes).
 */
import { createHash } from 'node:crypto'
import { AppError } from '../../core/errors'
import { targetInputName, type ModelCard } from './card'

/** SHA-256 of bytes, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Throws `model/hash-mismatch` when `bytes` do not hash to `expected` (file tampered or replaced). */
export function verifySha256(bytes: Uint8Array, expected: string, what: string): void {
  const actual = sha256Hex(bytes)
  if (actual !== expected.toLowerCase()) {
    // Prefixes only: enough to tell files apart in a log, too short to matter.
    throw new AppError('model/hash-mismatch', { detail: { file: what, expected: expected.slice(0, 12), actual: actual.slice(0, 12) } })
  }
}

/** Graph I/O as onnxruntime-node reports it (structural subset of `InferenceSession`). */
export interface GraphIo {
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  readonly inputMetadata: readonly GraphValue[]
  readonly outputMetadata: readonly GraphValue[]
}

/** One value's metadata; `shape` entries are numbers or symbolic names. */
export interface GraphValue {
  readonly name: string
  readonly isTensor: boolean
  readonly type?: string
  readonly shape?: readonly (number | string)[]
}

function shapeProblem(kind: string, name: string, meta: GraphValue | undefined, expected: readonly number[]): string | null {
  if (meta === undefined) return `${kind} ${name}: missing from graph`
  if (!meta.isTensor || meta.type !== 'float32') return `${kind} ${name}: not a float32 tensor`
  const shape = meta.shape ?? []
  // ORT reports an empty shape when the graph declares none; symbolic dims (strings) accept anything.
  if (shape.length === 0) return null
  if (shape.length !== expected.length) return `${kind} ${name}: rank ${shape.length}, card says ${expected.length}`
  const bad = shape.some((d, i) => typeof d === 'number' && d !== expected[i])
  return bad ? `${kind} ${name}: shape [${shape.join(',')}], card says [${expected.join(',')}]` : null
}

/** Compares the card with the graph; throws `model/manifest-mismatch` listing every problem. */
export function checkGraphAgainstCard(card: ModelCard, io: GraphIo): void {
  const problems: string[] = []
  const inMeta = (n: string): GraphValue | undefined => io.inputMetadata.find((m) => m.name === n)
  const outMeta = (n: string): GraphValue | undefined => io.outputMetadata.find((m) => m.name === n)
  const target = targetInputName(card)
  const p1 = shapeProblem('input', card.input.name, inMeta(card.input.name), card.input.shape)
  if (p1 !== null) problems.push(p1)
  const p2 = shapeProblem('input', target, inMeta(target), [card.classes.length])
  if (p2 !== null) problems.push(p2)
  for (const name of io.inputNames) {
    if (name !== card.input.name && name !== target) problems.push(`input ${name}: not in the card`)
  }
  for (const [name, spec] of Object.entries(card.outputs)) {
    const p = shapeProblem('output', name, outMeta(name), spec.shape)
    if (p !== null) problems.push(p)
  }
  if (problems.length > 0) throw new AppError('model/manifest-mismatch', { detail: { problems } })
}
