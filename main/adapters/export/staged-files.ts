/**
 * Atomic output for one export: every file is written to a hidden temporary name in the target folder,
 * and only after the last one was written are they renamed into place (a rename within one folder is
 * atomic on POSIX and NTFS). A failure removes the temporaries, so the folder never holds half a figure.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../core/errors'

interface Staged {
  readonly tmp: string
  readonly final: string
}

/** Files staged in one folder. */
export class StagedExport {
  private readonly staged: Staged[] = []
  private readonly tag = randomBytes(4).toString('hex')

  private constructor(readonly dir: string) {}

  /** Creates the folder if needed. */
  static async open(dir: string): Promise<StagedExport> {
    try {
      await mkdir(dir, { recursive: true })
    } catch (e) {
      throw new AppError('export/write-failed', { cause: e, detail: { step: 'mkdir' } })
    }
    return new StagedExport(dir)
  }

  /**
   * A stem whose files (`stem + suffix` for each suffix) do not exist yet: `stem`, `stem-2`, `stem-3`, …
   * With `overwrite`, the stem as given.
   */
  freeStem(stem: string, suffixes: readonly string[], overwrite: boolean): string {
    if (overwrite) return stem
    for (let i = 1; ; i++) {
      const candidate = i === 1 ? stem : `${stem}-${i}`
      if (suffixes.every((s) => !existsSync(join(this.dir, candidate + s)))) return candidate
    }
  }

  /** Writes `bytes` to a temporary file; returns the final path. */
  async add(name: string, bytes: Uint8Array | string): Promise<string> {
    const final = join(this.dir, name)
    const tmp = join(this.dir, `.${name}.${this.tag}.${this.staged.length}.tmp`)
    this.staged.push({ tmp, final })
    try {
      await writeFile(tmp, bytes)
    } catch (e) {
      throw new AppError('export/write-failed', { cause: e, detail: { step: 'write' } })
    }
    return final
  }

  /** Moves every staged file into place. */
  async commit(): Promise<void> {
    try {
      for (const f of this.staged) await rename(f.tmp, f.final)
    } catch (e) {
      throw new AppError('export/write-failed', { cause: e, detail: { step: 'rename' } })
    }
    this.staged.length = 0
  }

  /** Deletes the temporaries (after a failure or cancellation). */
  async discard(): Promise<void> {
    // force: a temporary that was never created (the write itself failed) is not an error here.
    await Promise.all(this.staged.map((f) => rm(f.tmp, { force: true })))
    this.staged.length = 0
  }
}
