/**
 * Token ↔ patch ↔ (row, col) mapping with the middle CLS token (ALGORITHMS.md §1.3, §2.6).
 *
 * Patches are numbered row-major `p = row·cols + col`. The CLS token sits at `c* = ⌊M/2⌋` in the
 * token sequence: token `t < c*` is patch `t`, `t = c*` is CLS, `t > c*` is patch `t − 1`.
 * The backward scan runs over the reversed sequence: its token `t` is original token `L−1−t`, so the
 * CLS index there is `c*_r = L−1−c* = M − ⌊M/2⌋` (equal to `c*` only for even `M`, spec §2.6).
 * Odd `M` (e.g. the 27×27 stride-8 checkpoints) is supported by this mapping; the official XAI code
 * hard-codes 98/99/14×14 and has no published numbers there.
 */
import { AppError } from './errors'

/** Token layout of one model. */
export interface TokenLayout {
  readonly gridRows: number
  readonly gridCols: number
  /** `M`, number of patch tokens. */
  readonly patches: number
  /** `L = M + 1`. */
  readonly tokens: number
  /** `c* = ⌊M/2⌋`. */
  readonly clsIndex: number
  /** `c*_r = M − ⌊M/2⌋`, the CLS index in the backward scan's (reversed) order. */
  readonly clsIndexReversed: number
}

/** A patch position in the grid. */
export interface GridCell {
  readonly row: number
  readonly col: number
}

/** Builds the layout of a `gridRows × gridCols` patch grid (spec §1.3). */
export function makeLayout(gridRows: number, gridCols: number = gridRows): TokenLayout {
  if (!Number.isInteger(gridRows) || !Number.isInteger(gridCols) || gridRows < 1 || gridCols < 1) {
    throw new AppError('model/unsupported-layout', { detail: { gridRows, gridCols } })
  }
  const patches = gridRows * gridCols
  const clsIndex = Math.floor(patches / 2)
  return { gridRows, gridCols, patches, tokens: patches + 1, clsIndex, clsIndexReversed: patches - clsIndex }
}

/** Checks that a layout agrees with a model's declared token count and CLS index. */
export function assertLayout(layout: TokenLayout, tokens: number, clsIndex: number): void {
  if (layout.tokens !== tokens || layout.clsIndex !== clsIndex) {
    throw new AppError('model/unsupported-layout', {
      detail: { reason: 'CLS must sit at ⌊M/2⌋', tokens, clsIndex, expected: layout },
    })
  }
}

function checkToken(layout: TokenLayout, token: number): void {
  if (!Number.isInteger(token) || token < 0 || token >= layout.tokens) {
    throw new AppError('explain/invalid-token', { detail: { token, tokens: layout.tokens } })
  }
}

function checkPatch(layout: TokenLayout, patch: number): void {
  if (!Number.isInteger(patch) || patch < 0 || patch >= layout.patches) {
    throw new AppError('explain/invalid-token', { detail: { patch, patches: layout.patches } })
  }
}

/** True for the CLS token. */
export function isCls(layout: TokenLayout, token: number): boolean {
  return token === layout.clsIndex
}

/** Patch index of a token, or `null` for the CLS token (spec §1.3). */
export function tokenToPatch(layout: TokenLayout, token: number): number | null {
  checkToken(layout, token)
  if (token === layout.clsIndex) return null
  return token < layout.clsIndex ? token : token - 1
}

/** Token index of a patch (spec §1.3): patches at or after `c*` shift by one. */
export function patchToToken(layout: TokenLayout, patch: number): number {
  checkPatch(layout, patch)
  return patch < layout.clsIndex ? patch : patch + 1
}

/** Grid cell of a patch (row-major). */
export function patchToCell(layout: TokenLayout, patch: number): GridCell {
  checkPatch(layout, patch)
  return { row: Math.floor(patch / layout.gridCols), col: patch % layout.gridCols }
}

/** Patch index of a grid cell (row-major). */
export function cellToPatch(layout: TokenLayout, cell: GridCell): number {
  const { row, col } = cell
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= layout.gridRows || col >= layout.gridCols) {
    throw new AppError('explain/invalid-token', { detail: { row, col, grid: [layout.gridRows, layout.gridCols] } })
  }
  return row * layout.gridCols + col
}

/** Grid cell of a token, or `null` for CLS. */
export function tokenToCell(layout: TokenLayout, token: number): GridCell | null {
  const patch = tokenToPatch(layout, token)
  return patch === null ? null : patchToCell(layout, patch)
}

/** Token index of a grid cell. */
export function cellToToken(layout: TokenLayout, cell: GridCell): number {
  return patchToToken(layout, cellToPatch(layout, cell))
}

/** Position of an original token in the backward scan's order (and vice versa): `L − 1 − t`. */
export function reversedToken(layout: TokenLayout, token: number): number {
  checkToken(layout, token)
  return layout.tokens - 1 - token
}

/** Drops the CLS entry of a length-`L` vector → length-`M` patch vector in patch order (spec §3.1). */
export function dropCls(layout: TokenLayout, tokens: ArrayLike<number>): Float64Array {
  if (tokens.length !== layout.tokens) {
    throw new AppError('explain/tap-shape', { detail: { length: tokens.length, tokens: layout.tokens } })
  }
  const out = new Float64Array(layout.patches)
  const c = layout.clsIndex
  for (let p = 0; p < c; p++) out[p] = tokens[p]!
  for (let p = c; p < layout.patches; p++) out[p] = tokens[p + 1]!
  return out
}

/** Inverse of {@link dropCls}: a length-`L` vector with `clsValue` at `c*`. */
export function insertCls(layout: TokenLayout, patches: ArrayLike<number>, clsValue = 0): Float64Array {
  if (patches.length !== layout.patches) {
    throw new AppError('explain/tap-shape', { detail: { length: patches.length, patches: layout.patches } })
  }
  const out = new Float64Array(layout.tokens)
  for (let p = 0; p < layout.patches; p++) out[patchToToken(layout, p)] = patches[p]!
  out[layout.clsIndex] = clsValue
  return out
}
