/**
 * Drill-down vectors for one token over all layers and both directions (ALGORITHMS.md §2.1), shaped
 * like `DrilldownResult.rows/cols` in engine/api.ts: `[layer][direction] → Float32Array(L)`,
 * original token order.
 */
import { toF32 } from '../tensor/f32'
import type { AttentionFactors, Direction } from './factors'
import { Scratch, attentionRowColumn } from './row-col'

/** Rows (what `token` attends to) and columns (who attends to it) per layer and direction. */
export interface DrilldownVectors {
  readonly rows: readonly (readonly [Float32Array, Float32Array])[]
  readonly cols: readonly (readonly [Float32Array, Float32Array])[]
}

/** Computes rows and columns of `token` for `layers` (default all), both directions. */
export function drilldownVectors(
  f: AttentionFactors,
  token: number,
  layers: readonly number[] = Array.from({ length: f.layers }, (_, l) => l),
): DrilldownVectors {
  const scratch = new Scratch()
  const rows: (readonly [Float32Array, Float32Array])[] = []
  const cols: (readonly [Float32Array, Float32Array])[] = []
  for (const layer of layers) {
    const per = ([0, 1] as const).map((d: Direction) => attentionRowColumn(f, layer, d, token, scratch))
    rows.push([toF32(per[0]!.row), toF32(per[1]!.row)])
    cols.push([toF32(per[0]!.col), toF32(per[1]!.col)])
  }
  return { rows, cols }
}
