/**
 * A minimal external store (STYLE.md §1.8; tldraw `useValue`, excalidraw `Scene`): state lives outside React,
 * components read small derived values through selectors with `useSyncExternalStore`. Big arrays never go in
 * here; they live in the scene and the results cache.
 */
import { useSyncExternalStore } from 'react'

export class Store<S extends object> {
  private state: S
  private readonly listeners = new Set<() => void>()

  constructor(initial: S) {
    this.state = initial
  }

  get = (): S => this.state

  /** Shallow-merges `patch`; notifies only when some field actually changed (keeps selectors quiet). */
  set = (patch: Partial<S> | ((s: S) => Partial<S>)): void => {
    const p = typeof patch === 'function' ? patch(this.state) : patch
    let changed = false
    for (const k of Object.keys(p) as (keyof S)[]) {
      if (!Object.is(this.state[k], p[k])) {
        changed = true
        break
      }
    }
    if (!changed) return
    this.state = { ...this.state, ...p }
    for (const l of [...this.listeners]) l()
  }

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb)
    return () => {
      this.listeners.delete(cb)
    }
  }
}

/** Subscribes a component to one derived value; the selector must return a stable reference for equal state. */
export function useStore<S extends object, T>(store: Store<S>, selector: (s: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => selector(store.get()))
}
