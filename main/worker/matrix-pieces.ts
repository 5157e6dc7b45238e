/**
 * The finished channel-mean matrices of one input, kept per layer ("pieces": both directions of a
 * layer, `[2, L, L]`, original token order). Pieces are computed one at a time as background jobs so the
 * worker can serve a click between two of them, and a drill-down uses whichever pieces exist
 * (attention-jobs.ts). One object is shared by every cached run of the same model + normalised input:
 * the factors Δ, B, C, A come from the forward pass only, so they do not depend on the explained class
 * (checked bitwise on Vim-T, docs/BENCHMARKS.md) and a re-run for another class keeps the progress.
 */
import { createHash } from 'node:crypto'
import { AppError } from '../core/errors'
import type { MatricesState } from './protocol'

/** Identity of a model + normalised input (sha256; the input is 600 KB for 224², hashing it is ≈1 ms). */
export function matricesKey(model: string, tensor: Float32Array): string {
  const h = createHash('sha256')
  h.update(model)
  h.update('\0')
  h.update(new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength))
  return h.digest('hex').slice(0, 32)
}

/** Per-layer matrices of one input. */
export class MatrixPieces {
  private readonly pieces: (Float32Array | undefined)[]

  constructor(readonly key: string, readonly layers: number, readonly tokens: number) {
    this.pieces = Array.from({ length: layers }, () => undefined)
  }

  /** Floats in one piece: 2 directions × L × L. */
  get pieceLength(): number {
    return 2 * this.tokens * this.tokens
  }

  private check(layer: number): void {
    if (!(Number.isInteger(layer) && layer >= 0 && layer < this.layers)) {
      throw new AppError('explain/layer-range', { detail: { layer, layers: this.layers } })
    }
  }

  has(layer: number): boolean {
    this.check(layer)
    return this.pieces[layer] !== undefined
  }

  /** The piece of `layer` (`[2, L, L]`, direction 0 then 1), or undefined while not computed. */
  get(layer: number): Float32Array | undefined {
    this.check(layer)
    return this.pieces[layer]
  }

  set(layer: number, data: Float32Array): void {
    this.check(layer)
    if (data.length !== this.pieceLength) {
      throw new AppError('model/output-shape', { detail: { piece: layer, length: data.length, expected: this.pieceLength } })
    }
    this.pieces[layer] = data
  }

  done(): number[] {
    const out: number[] = []
    this.pieces.forEach((p, l) => { if (p !== undefined) out.push(l) })
    return out
  }

  missing(): number[] {
    const out: number[] = []
    this.pieces.forEach((p, l) => { if (p === undefined) out.push(l) })
    return out
  }

  get complete(): boolean {
    return this.pieces.every((p) => p !== undefined)
  }

  state(): MatricesState {
    return { key: this.key, layers: this.layers, done: this.done() }
  }

  /** All matrices `[Λ, 2, L, L]` as one new array (the caller owns it; the pieces stay here). */
  assemble(): Float32Array {
    const out = new Float32Array(this.layers * this.pieceLength)
    this.pieces.forEach((p, l) => {
      if (p === undefined) throw new AppError('internal', { detail: { reason: 'matrices piece missing', layer: l } })
      out.set(p, l * this.pieceLength)
    })
    return out
  }
}
