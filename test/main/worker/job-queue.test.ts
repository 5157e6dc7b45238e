import { describe, expect, it } from 'vitest'
import { PriorityQueue, type Prioritised } from '../../../main/worker/job-queue'

interface Item extends Prioritised { readonly name: string }
const bg = (name: string, group?: string): Item => ({ name, background: true, ...(group !== undefined ? { group } : {}) })
const fg = (name: string): Item => ({ name, background: false })

function drainNames(q: PriorityQueue<Item>): string[] {
  const out: string[] = []
  for (let it = q.shift(); it !== undefined; it = q.shift()) out.push(it.name)
  return out
}

describe('PriorityQueue', () => {
  it('serves interactive entries first, FIFO within each level', () => {
    const q = new PriorityQueue<Item>()
    for (const it of [bg('p0'), bg('p1'), fg('explain'), bg('p2'), fg('drill')]) q.push(it)
    expect(q.length).toBe(5)
    expect(q.backgroundCount()).toBe(3)
    expect(drainNames(q)).toEqual(['explain', 'drill', 'p0', 'p1', 'p2'])
    expect(q.length).toBe(0)
  })

  it('an interactive entry pushed between two shifts overtakes the remaining background entries', () => {
    const q = new PriorityQueue<Item>()
    for (const it of [bg('p0'), bg('p1'), bg('p2')]) q.push(it)
    expect(q.shift()?.name).toBe('p0')
    q.push(fg('explain'))
    expect(drainNames(q)).toEqual(['explain', 'p1', 'p2'])
  })

  it('removes background entries by group and never drops interactive ones', () => {
    const q = new PriorityQueue<Item>()
    const items = [bg('a0', 'A'), fg('x'), bg('b0', 'B'), bg('a1', 'A'), bg('n')]
    for (const it of items) q.push(it)
    expect(q.backgroundCount('A')).toBe(2)
    expect(q.removeBackground((it) => it.group === 'A' || it.name === 'x').map((it) => it.name)).toEqual(['a0', 'a1'])
    expect(q.remove(items[2]!)).toBe(true)
    expect(q.remove(items[2]!)).toBe(false)
    expect(q.drain().map((it) => it.name)).toEqual(['x', 'n'])
  })
})
