/**
 * What the worker keeps per run for drill-down and matrices: the factor taps (`delta`, `B`, `C`, `A`),
 * the small per-layer taps of the profile, and the matrices pieces computed so far. Bounded LRU
 * (memory: about 17 MB of factors + up to 7.5 MB of pieces per Vim-T run; pieces are shared by runs of
 * the same input, matrix-pieces.ts).
 */
import type { MethodOptions, TapSet } from '../core/explain/method'
import { Lru } from './lru'
import { MatrixPieces } from './matrix-pieces'

/** One cached run. */
export interface CachedRun {
  readonly modelId: string
  readonly taps: TapSet
  readonly targetClass: number
  /** Class of the one-hot the graph ran with (`null` = zero target: class-specific taps unusable). */
  readonly graphTarget: number | null
  readonly options: MethodOptions
  /** Finished matrices of this run's input, filled piece by piece (background) or all at once. */
  readonly pieces: MatrixPieces
}

/** Thrown inside a job when its run is not cached; the entry point answers `miss`. */
export class RunMiss extends Error {
  constructor(readonly runId: string) {
    super('run not cached')
    this.name = 'RunMiss'
  }
}

/** The worker's run cache. */
export class RunCache extends Lru<string, CachedRun> {
  /** The run or a {@link RunMiss}. */
  require(runId: string): CachedRun {
    const r = this.get(runId)
    if (r === undefined) throw new RunMiss(runId)
    return r
  }

  /**
   * A cached run of the input `key` (most recently used first), for background pieces whose own run was
   * evicted while a re-run of the same image (another class) is still cached.
   */
  byInput(key: string): CachedRun | undefined {
    for (const id of this.keys().reverse()) {
      const r = this.peek(id)
      if (r?.pieces.key === key) return r
    }
    return undefined
  }

  /**
   * The pieces object for an input `key`: the one a cached run of the same input already has (so its
   * progress carries over to a re-run for another class), else a new empty one.
   */
  piecesFor(key: string, layers: number, tokens: number): MatrixPieces {
    for (const id of this.keys()) {
      const p = this.peek(id)?.pieces
      if (p !== undefined && p.key === key && p.layers === layers && p.tokens === tokens) return p
    }
    return new MatrixPieces(key, layers, tokens)
  }
}
