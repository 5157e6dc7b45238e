/**
 * React-in-jsdom helpers of the renderer tests: render into a fresh host, unmount after each test, and
 * list controls without an accessible name.
 */
import { act, type ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll } from 'vitest'

declare global {
  // React's flag for "this environment flushes updates inside act()".
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined
}

let root: Root | null = null
let host: HTMLElement | null = null

/** Call once inside a `describe`: act() environment on, and each test's tree unmounted and removed. */
export function useReactDom(): void {
  beforeAll(() => {
    globalThis.IS_REACT_ACT_ENVIRONMENT = true
  })
  afterEach(() => {
    act(() => root?.unmount())
    host?.remove()
    root = null
    host = null
  })
}

export function render(node: ReactNode): HTMLElement {
  host = document.createElement('div')
  document.body.append(host)
  const r = createRoot(host)
  root = r
  act(() => r.render(node))
  return host
}

/** Controls without an accessible name (label, aria-label or text). */
export function unlabeled(el: HTMLElement): string[] {
  return Array.from(el.querySelectorAll<HTMLElement>('button, select, input, textarea')).filter((c) => {
    const labels = (c as HTMLInputElement).labels
    return !((labels?.length ?? 0) > 0 || c.getAttribute('aria-label') !== null || (c.textContent ?? '').trim() !== '')
  }).map((c) => c.outerHTML)
}
