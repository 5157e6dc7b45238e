/** A one-line progress bar on stderr, only when stderr is a terminal (scripts see no control chars). */

/** Minimal stream surface (process.stderr or a test double). */
export interface TextSink {
  write(text: string): unknown
  readonly isTTY?: boolean
}

/** Progress over `total` items; no-op when the sink is not a TTY or there is one item. */
export class ProgressBar {
  private readonly enabled: boolean

  constructor(private readonly sink: TextSink, private readonly total: number) {
    this.enabled = sink.isTTY === true && total > 1
  }

  /** Shows `done/total` and a short label (file base name). */
  update(done: number, label: string, stageFraction = 0): void {
    if (!this.enabled) return
    const width = 24
    const frac = Math.min(1, (done + stageFraction) / this.total)
    const filled = Math.round(frac * width)
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled)
    this.sink.write(`\r[${bar}] ${done}/${this.total} ${label.slice(0, 40).padEnd(40)}`)
  }

  /** Clears the line. */
  finish(): void {
    if (this.enabled) this.sink.write(`\r${' '.repeat(80)}\r`)
  }
}
