// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { Lru } from '../../../main/worker/lru'
import { argmaxOf, topKSoftmax } from '../../../main/worker/topk'

describe('Lru', () => {
  it('evicts the least recently used entry', () => {
    const evicted: string[] = []
    const lru = new Lru<string, number>(2, (k) => evicted.push(k))
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1)
    lru.set('c', 3)
    expect(evicted).toEqual(['b'])
    expect(lru.keys()).toEqual(['a', 'c'])
    expect(() => new Lru(0)).toThrow()
  })
})

describe('topKSoftmax', () => {
  it('sorts by logit, breaks ties by index and gives softmax probabilities', () => {
    const logits = new Float32Array([1, 3, 3, -1])
    const top = topKSoftmax(logits, ['a', 'b', 'c'], 3)
    expect(top.map((s) => s.index)).toEqual([1, 2, 0])
    expect(top[2]!.label).toBe('a')
    const z = Math.exp(1) + 2 * Math.exp(3) + Math.exp(-1)
    expect(top[0]!.probability).toBeCloseTo(Math.exp(3) / z, 12)
    expect(topKSoftmax(logits, [], 10)).toHaveLength(4)
    expect(topKSoftmax(logits, [], 10)[3]!.label).toBe('class 3')
    expect(argmaxOf(logits)).toBe(1)
  })

  it('is stable for large logits', () => {
    const top = topKSoftmax(new Float32Array([1000, 999]), ['x', 'y'], 2)
    expect(top[0]!.probability + top[1]!.probability).toBeCloseTo(1, 12)
  })
})
