/**
 * Electron IPC manager (STYLE.md §1.2; Fiddle's IpcMainManager): registers one `handle` per contract
 * channel, refuses senders that are not our window (security checklist item 17), and hands the rest to the
 * shared dispatcher (schema → handler → Result). Only `electron` *types* are imported so the manager can be
 * tested with a stand-in `ipcMain`.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import type { Logger } from '../../core/log'
import { INVOKE_CHANNELS, type Result } from '../../../preload/contract'
import type { Dispatch } from '../dispatch'
import { IpcError, toErrorDto } from '../errors'

/** Decides whether an event comes from our own window and page (not an iframe, not a navigated-away page). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

export class TypedIpc {
  private registered = false

  constructor(
    private readonly ipc: Pick<IpcMain, 'handle' | 'removeHandler'>,
    private readonly dispatch: Dispatch,
    private readonly isTrustedSender: SenderCheck,
    private readonly log: Logger,
  ) {}

  register(): void {
    if (this.registered) return
    for (const channel of INVOKE_CHANNELS) {
      this.ipc.handle(channel, (event, raw: unknown) => this.onInvoke(channel, event, raw))
    }
    this.registered = true
  }

  dispose(): void {
    for (const channel of INVOKE_CHANNELS) this.ipc.removeHandler(channel)
    this.registered = false
  }

  private async onInvoke(channel: string, event: IpcMainInvokeEvent, raw: unknown): Promise<Result<unknown>> {
    if (!this.isTrustedSender(event)) {
      return { ok: false, error: toErrorDto(new IpcError('ipc/forbidden', { channel }), this.log) }
    }
    const sender = event.sender
    return this.dispatch(channel, raw, {
      // Events go back to the window that asked; a closed window simply stops receiving them.
      emit: (ch, payload) => {
        if (!sender.isDestroyed()) sender.send(ch, payload)
      },
    })
  }
}
