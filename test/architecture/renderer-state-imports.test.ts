// @vitest-environment node
/**
 * renderer/src/state has no import circle (issue 15: explain ↔ image ↔ view actions imported each other, so
 * which module initialised first depended on who was imported first). Reads the modules' own import lines;
 * `import type` is left out (erased at build time, it cannot form a runtime circle).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const DIR = fileURLToPath(new URL('../../renderer/src/state/', import.meta.url))

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>()
  for (const f of readdirSync(DIR).filter((n) => /\.tsx?$/.test(n))) {
    const src = readFileSync(join(DIR, f), 'utf8')
    const deps = [...src.matchAll(/^import (?!type )[^;]*? from '\.\/([\w-]+)'/gm)].map((m) => m[1]!)
    g.set(f.replace(/\.tsx?$/, ''), deps)
  }
  return g
}

/** The first circle found, as module names, or null. */
function findCycle(g: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n]
    state.set(n, 'open')
    stack.push(n)
    for (const d of g.get(n) ?? []) {
      const c = visit(d)
      if (c !== null) return c
    }
    stack.pop()
    state.set(n, 'done')
    return null
  }
  for (const n of g.keys()) {
    const c = visit(n)
    if (c !== null) return c
  }
  return null
}

describe('renderer/src/state import graph', () => {
  it('reads the modules and their imports', () => {
    const g = graph()
    expect(g.get('image-actions')).toContain('explain-actions')
    expect(g.get('view-actions')).toContain('image-actions')
  })

  it('has no circle', () => {
    expect(findCycle(graph())).toBeNull()
  })

  it('the finder sees a circle when there is one', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a'])
  })
})
