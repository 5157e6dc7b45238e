/**
 * A small bounded LRU map (Map keeps insertion order; a hit re-inserts). Used for the worker's run cache
 * (taps/factors by runId) and the engine's run records. `onEvict` lets owners drop big buffers eagerly.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>()

  constructor(
    private readonly capacity: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('Lru capacity must be a positive integer')
  }

  get size(): number {
    return this.map.size
  }

  /** The value, marking it most recently used. */
  get(key: K): V | undefined {
    const v = this.map.get(key)
    if (v === undefined) return undefined
    this.map.delete(key)
    this.map.set(key, v)
    return v
  }

  /** Without touching recency. */
  peek(key: K): V | undefined {
    return this.map.get(key)
  }

  has(key: K): boolean {
    return this.map.has(key)
  }

  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next()
      if (oldest.done === true) break
      const old = this.map.get(oldest.value)
      this.map.delete(oldest.value)
      if (old !== undefined) this.onEvict?.(oldest.value, old)
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key)
  }

  clear(): void {
    this.map.clear()
  }

  keys(): K[] {
    return [...this.map.keys()]
  }
}
