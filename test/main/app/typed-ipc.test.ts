// @vitest-environment node
/** Electron IPC manager (main/app/ipc/typed-ipc.ts) with a stand-in ipcMain: sender check, routing, events. */
import type { IpcMainInvokeEvent } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../../main/core/log'
import { TypedIpc } from '../../../main/app/ipc/typed-ipc'
import type { Dispatch } from '../../../main/app/dispatch'
import { INVOKE_CHANNELS } from '../../../preload/contract'

type Listener = (event: IpcMainInvokeEvent, raw: unknown) => Promise<unknown>

function fakeIpcMain() {
  const handlers = new Map<string, Listener>()
  return {
    handlers,
    handle: (ch: string, fn: Listener) => void handlers.set(ch, fn),
    removeHandler: (ch: string) => void handlers.delete(ch),
  }
}

function fakeEvent(trusted: boolean) {
  const send = vi.fn()
  const event = { sender: { send, isDestroyed: () => false }, trusted } as unknown as IpcMainInvokeEvent
  return { event, send }
}

describe('TypedIpc', () => {
  it('registers exactly the contract channels and removes them on dispose', () => {
    const ipc = fakeIpcMain()
    const typed = new TypedIpc(ipc, async () => ({ ok: true, value: null }), () => true, createLogger(() => undefined))
    typed.register()
    expect([...ipc.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort())
    typed.dispose()
    expect(ipc.handlers.size).toBe(0)
  })

  it('refuses events from any sender that is not our window, without calling the handler', async () => {
    const ipc = fakeIpcMain()
    const dispatch = vi.fn<Dispatch>(async () => ({ ok: true, value: null }))
    new TypedIpc(ipc, dispatch, (e) => (e as unknown as { trusted: boolean }).trusted, createLogger(() => undefined)).register()
    const { event } = fakeEvent(false)
    expect(await ipc.handlers.get('app:info')!(event, null)).toMatchObject({ ok: false, error: { code: 'ipc/forbidden' } })
    expect(dispatch).not.toHaveBeenCalled()
  })

  it('routes trusted calls to the dispatcher; events go back to the sender only', async () => {
    const ipc = fakeIpcMain()
    const dispatch: Dispatch = async (channel, raw, ctx) => {
      ctx.emit('explain:progress', { requestId: 'q', stage: 'graph', fraction: 0.3 })
      return { ok: true, value: { channel, raw } }
    }
    new TypedIpc(ipc, dispatch, () => true, createLogger(() => undefined)).register()
    const { event, send } = fakeEvent(true)
    const r = await ipc.handlers.get('explain:run')!(event, { requestId: 'q' })
    expect(r).toEqual({ ok: true, value: { channel: 'explain:run', raw: { requestId: 'q' } } })
    expect(send).toHaveBeenCalledWith('explain:progress', { requestId: 'q', stage: 'graph', fraction: 0.3 })
  })
})
