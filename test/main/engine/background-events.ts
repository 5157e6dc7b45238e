/** Test helper: records the engine's background events and lets a test wait for one. */
import type { BackgroundEvent } from '../../../main/engine'

export class EventLog {
  readonly entries: (BackgroundEvent | { readonly type: 'mark'; readonly label: string })[] = []
  private readonly waiters: { pred: (e: BackgroundEvent) => boolean; resolve: () => void }[] = []

  /** Pass as `onBackground`. */
  readonly listener = (e: BackgroundEvent): void => {
    this.entries.push(e)
    for (const w of [...this.waiters]) {
      if (w.pred(e)) {
        this.waiters.splice(this.waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  }

  /** Records a test-side event (e.g. "explain B resolved") in the same sequence. */
  mark(label: string): void {
    this.entries.push({ type: 'mark', label })
  }

  /** Resolves when an event matching `pred` arrives (or has arrived already). */
  waitFor(pred: (e: BackgroundEvent) => boolean): Promise<void> {
    if (this.entries.some((e) => e.type !== 'mark' && pred(e))) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ pred, resolve }))
  }

  complete(key: string): Promise<void> {
    return this.waitFor((e) => e.type === 'complete' && e.key === key)
  }

  indexOfMark(label: string): number {
    return this.entries.findIndex((e) => e.type === 'mark' && e.label === label)
  }

  /** Background events only, optionally of one input. */
  events(key?: string): BackgroundEvent[] {
    return this.entries.filter((e): e is BackgroundEvent => e.type !== 'mark' && (key === undefined || e.key === key))
  }
}

type Pairs = readonly (readonly [Float32Array, Float32Array])[]

/** Largest error over all (layer, direction) vectors, each relative to that vector's max |reference|. */
export function maxRelErr(ours: Pairs, ref: Pairs): number {
  let worst = 0
  ref.forEach((pair, l) => pair.forEach((r, d) => {
    const o = ours[l]![d]!
    let num = 0
    let den = 0
    for (let j = 0; j < r.length; j++) {
      num = Math.max(num, Math.abs(o[j]! - r[j]!))
      den = Math.max(den, Math.abs(r[j]!))
    }
    worst = Math.max(worst, den === 0 ? num : num / den)
  }))
  return worst
}
