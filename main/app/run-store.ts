/**
 * Explanation runs kept in main by runId (small LRU), with what an export of them needs: the engine's result
 * as is, the picture it was drawn over and the source's attributes (docs/EXPORT.md: a figure is built from
 * exactly the numbers the screen shows, never from a screenshot). The page only ever names a run by its id.
 */
import type { ExplainResult } from '../core/engine/api'
import type { DisplayNote, ExportSource } from '../core/export/types'
import type { Rgb8Image } from '../core/image/types'
import type { InputMappingDto } from '../../preload/contract'

/** One explained run. */
export interface RunRecord {
  readonly result: ExplainResult
  readonly imageId: string
  /** Key of the model input (ImageStore): the current display may stand in for `display` while it is unchanged. */
  readonly inputKey: string
  readonly mapping: InputMappingDto
  /** The display rendition on screen when the run started. */
  readonly display: Rgb8Image
  /** How `display` was shown (grey scans: window, invert, pixel spacing), for the figure header. */
  readonly displayNote?: DisplayNote
  /** Kind, file hash, allow-listed meta and the PhiRecord the export's privacy preflight searches for. */
  readonly source: ExportSource
  /** Layers the run was restricted to (null: each method's defaults). */
  readonly layerRange: { readonly start: number; readonly end: number } | null
}

/**
 * Larger than the page's results cache (64: every frame of a cine) because main also sees runs the page
 * dropped (superseded, other classes), and a pane the page still shows must still be exportable. About
 * 1.5 MB per Vim-T run.
 */
export const MAX_RUNS = 72

export class RunStore {
  private readonly runs = new Map<string, RunRecord>()

  constructor(private readonly max = MAX_RUNS) {}

  add(record: RunRecord): void {
    this.runs.delete(record.result.runId)
    this.runs.set(record.result.runId, record)
    while (this.runs.size > this.max) this.runs.delete(this.runs.keys().next().value as string)
  }

  /** The run, refreshed as most recent; undefined once evicted. */
  get(runId: string): RunRecord | undefined {
    const r = this.runs.get(runId)
    if (r !== undefined) {
      this.runs.delete(runId)
      this.runs.set(runId, r)
    }
    return r
  }

  clear(): void {
    this.runs.clear()
  }

  get size(): number {
    return this.runs.size
  }
}
