/**
 * What the worker keeps per run for drill-down and matrices: the factor taps (`delta`, `B`, `C`, `A`),
 * the small per-layer taps of the profile, and the matrices once computed. Bounded LRU (memory: about
 * 17 MB of factors + 7.5 MB of matrices per Vim-T run).
 */
import type { MethodOptions, TapSet } from '../core/explain/method'
import { Lru } from './lru'

/** One cached run. */
export interface CachedRun {
  readonly modelId: string
  readonly taps: TapSet
  readonly targetClass: number
  /** Class of the one-hot the graph ran with (`null` = zero target: class-specific taps unusable). */
  readonly graphTarget: number | null
  readonly options: MethodOptions
  /** `[Λ, 2, L, L]` original order, filled by the first matrices job. */
  matrices?: Float32Array
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
}
