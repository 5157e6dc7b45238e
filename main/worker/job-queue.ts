/**
 * The host's two-level job queue. Interactive jobs (explain, drill-down, a user's matrices request)
 * always leave before background jobs (the per-layer matrices pieces), FIFO within each level. The
 * worker runs one job at a time and the host asks this queue for the next job after every answer, so
 * "between two background pieces the worker checks its queue" holds by construction: a click waits
 * for at most the one piece already inside ORT (≈0.25 s on Vim-T, 2 cores; docs/BENCHMARKS.md).
 * Pure data structure (no worker, no timers), unit-tested in test/main/worker.
 */

/** What the queue needs to know about an entry. */
export interface Prioritised {
  readonly background: boolean
  /** Background jobs of one input share a group, so stale ones can be dropped together. */
  readonly group?: string
}

/** FIFO per priority level; background entries can be removed by predicate. */
export class PriorityQueue<T extends Prioritised> {
  private readonly interactive: T[] = []
  private readonly background: T[] = []

  get length(): number {
    return this.interactive.length + this.background.length
  }

  /** Queued background entries (optionally of one group). */
  backgroundCount(group?: string): number {
    return group === undefined ? this.background.length : this.background.filter((j) => j.group === group).length
  }

  push(item: T): void {
    ;(item.background ? this.background : this.interactive).push(item)
  }

  /** The next entry to run: the oldest interactive one, else the oldest background one. */
  shift(): T | undefined {
    return this.interactive.shift() ?? this.background.shift()
  }

  /** Removes one entry; false when it is not queued (already running or settled). */
  remove(item: T): boolean {
    for (const list of [this.interactive, this.background]) {
      const i = list.indexOf(item)
      if (i >= 0) {
        list.splice(i, 1)
        return true
      }
    }
    return false
  }

  /** Removes and returns the background entries matching `pred` (interactive work is never dropped). */
  removeBackground(pred: (item: T) => boolean): T[] {
    const out: T[] = []
    for (let i = this.background.length - 1; i >= 0; i--) {
      const item = this.background[i]!
      if (pred(item)) {
        this.background.splice(i, 1)
        out.unshift(item)
      }
    }
    return out
  }

  /** Removes and returns everything, interactive first. */
  drain(): T[] {
    return [...this.interactive.splice(0), ...this.background.splice(0)]
  }
}
