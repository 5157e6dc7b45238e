// @vitest-environment node
/** The preload exposes exactly `RendererApi`, one function per operation, and never leaks IPC internals. */
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { API_CHANNELS, API_SUBSCRIPTIONS, type RendererApi } from '../../preload/contract'

const exposed: Record<string, unknown> = {}
const invoke = vi.fn(async () => ({ ok: true, value: null }))
const listeners = new Map<string, Set<(...a: unknown[]) => void>>()

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void (exposed[key] = value) },
  ipcRenderer: {
    invoke,
    on: (ch: string, l: (...a: unknown[]) => void) => void (listeners.get(ch) ?? listeners.set(ch, new Set()).get(ch)!).add(l),
    removeListener: (ch: string, l: (...a: unknown[]) => void) => void listeners.get(ch)?.delete(l),
  },
}))

let api: RendererApi

describe('preload', () => {
  beforeAll(async () => {
    await import('../../preload/index')
    api = exposed.api as RendererApi
  })

  it('exposes one object, "api", with exactly the contract methods', () => {
    expect(Object.keys(exposed)).toEqual(['api'])
    expect(Object.keys(api).sort()).toEqual([...Object.keys(API_CHANNELS), ...Object.keys(API_SUBSCRIPTIONS)].sort())
    for (const v of Object.values(api)) expect(typeof v).toBe('function')
  })

  it('each method invokes its own channel with the request as given', async () => {
    const req = { probe: 1 }
    for (const [method, channel] of Object.entries(API_CHANNELS)) {
      invoke.mockClear()
      await (api[method as keyof typeof API_CHANNELS] as (r: unknown) => Promise<unknown>)(req)
      const expected = method === 'getAppInfo' || method === 'openImageDialog' ? null : req
      expect(invoke).toHaveBeenCalledWith(channel, expected)
    }
  })

  it('subscriptions pass the payload only (no event, no sender) and unsubscribe cleanly', () => {
    const cb = vi.fn()
    const off = api.onProgress(cb)
    const l = [...listeners.get('explain:progress')!][0]!
    l({ sender: 'secret' }, { requestId: 'q', stage: 's', fraction: 1 })
    expect(cb).toHaveBeenCalledWith({ requestId: 'q', stage: 's', fraction: 1 })
    expect(cb.mock.calls[0]).toHaveLength(1)
    off()
    expect(listeners.get('explain:progress')!.size).toBe(0)
  })
})
