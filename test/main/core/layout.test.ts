// @vitest-environment node
import { describe, expect, it } from 'vitest'
import {
  cellToToken, dropCls, insertCls, makeLayout, patchToCell, patchToToken, reversedToken, tokenToCell, tokenToPatch,
  assertLayout,
} from '../../../main/core/layout'
import { AppError } from '../../../main/core/errors'

describe('layout (spec §1.3)', () => {
  const vim = makeLayout(14)

  it('Vim-T/S: 196 patches, 197 tokens, CLS at 98 (also 98 reversed)', () => {
    expect(vim).toMatchObject({ patches: 196, tokens: 197, clsIndex: 98, clsIndexReversed: 98 })
  })

  it('CLS sits between patch (6,13) and patch (7,0)', () => {
    expect(tokenToCell(vim, 97)).toEqual({ row: 6, col: 13 })
    expect(tokenToPatch(vim, 98)).toBeNull()
    expect(tokenToCell(vim, 99)).toEqual({ row: 7, col: 0 })
    expect(tokenToPatch(vim, 196)).toBe(195)
    expect(cellToToken(vim, { row: 13, col: 13 })).toBe(196)
    expect(patchToCell(vim, 15)).toEqual({ row: 1, col: 1 })
  })

  it('patch → token → patch round-trips for every patch', () => {
    for (let p = 0; p < vim.patches; p++) expect(tokenToPatch(vim, patchToToken(vim, p))).toBe(p)
  })

  it('generic grids: 27×27 (odd M) has c* = 364 and c*_r = 365 (spec §2.6); 2×4 has c* = 4', () => {
    expect(makeLayout(27)).toMatchObject({ patches: 729, tokens: 730, clsIndex: 364, clsIndexReversed: 365 })
    const r = makeLayout(2, 4)
    expect(r).toMatchObject({ patches: 8, tokens: 9, clsIndex: 4, clsIndexReversed: 4 })
    expect(patchToCell(r, 5)).toEqual({ row: 1, col: 1 })
    // In reversed order the CLS token is at L−1−c*.
    const odd = makeLayout(3)
    expect(reversedToken(odd, odd.clsIndex)).toBe(odd.clsIndexReversed)
  })

  it('dropCls / insertCls remove and restore index c*', () => {
    const l = makeLayout(2, 2) // c* = 2
    const tokens = [10, 11, 99, 12, 13]
    expect(Array.from(dropCls(l, tokens))).toEqual([10, 11, 12, 13])
    expect(Array.from(insertCls(l, [10, 11, 12, 13], 99))).toEqual(tokens)
  })

  it('rejects invalid tokens, cells and grids with coded errors', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f()
      } catch (e) {
        return e instanceof AppError ? e.code : 'not-app-error'
      }
      return undefined
    }
    expect(code(() => tokenToPatch(vim, 197))).toBe('explain/invalid-token')
    expect(code(() => patchToToken(vim, -1))).toBe('explain/invalid-token')
    expect(code(() => cellToToken(vim, { row: 14, col: 0 }))).toBe('explain/invalid-token')
    expect(code(() => makeLayout(0))).toBe('model/unsupported-layout')
    expect(code(() => dropCls(vim, new Float32Array(196)))).toBe('explain/tap-shape')
    expect(code(() => assertLayout(vim, 197, 0))).toBe('model/unsupported-layout')
    expect(code(() => assertLayout(vim, 197, 98))).toBeUndefined()
  })
})
