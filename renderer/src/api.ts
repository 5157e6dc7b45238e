/**
 * The page's only door to main: `window.api` from the Electron preload, or the browser-bridge client that
 * implements the same `RendererApi`. Components never call it; `state/*-actions.ts` do (STYLE.md §3).
 */
import type { RendererApi } from '../../preload/contract'
import { createBridgeClient } from './bridge-client'

declare global {
  interface Window {
    readonly api?: RendererApi
  }
}

let current: RendererApi | null = null

export function getApi(): RendererApi {
  current ??= window.api ?? createBridgeClient()
  return current
}

/** Unit tests pass an in-process implementation; the app never calls this. */
export function setApi(api: RendererApi): void {
  current = api
}
