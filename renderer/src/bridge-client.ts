/**
 * Browser-mode implementation of `RendererApi`: the same calls as the Electron preload, carried over HTTP to
 * the loopback bridge (main/app/bridge/server.ts) in the binary wire format. The per-launch token arrives in
 * the URL fragment, is kept in sessionStorage for reloads and removed from the address bar at once.
 */
import {
  API_CHANNELS,
  BRIDGE,
  type AppCommandDto,
  type EventChannel,
  type EventContract,
  type InvokeChannel,
  type ProgressDto,
  type RendererApi,
  type ReqOf,
  type ResOf,
  type Result,
} from '../../preload/contract'
import { decodeWire, encodeWire } from '@core/ui/wire'

const TOKEN_KEY = 'mamba-lens-token'
const CLIENT_HEADER = 'x-mamba-lens-client'

const UNREACHABLE = {
  code: 'internal',
  message: 'The Mamba Lens background process is not reachable. Check that it is still running (npm run web), then reload this page.',
} as const

function readToken(): string {
  const m = /(?:^#|&)token=([0-9a-f]+)/.exec(window.location.hash)
  if (m?.[1] !== undefined) {
    window.sessionStorage.setItem(TOKEN_KEY, m[1])
    // Keep the token out of the visible URL, history and screenshots.
    window.history.replaceState(null, '', window.location.pathname + window.location.search)
    return m[1]
  }
  return window.sessionStorage.getItem(TOKEN_KEY) ?? ''
}

function randomId(): string {
  const b = new Uint8Array(16)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

/** Lets the user pick a file with the browser's picker; resolves `null` on cancel. */
function pickFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = '.png,.jpg,.jpeg,.webp,.tif,.tiff,.gif,.dcm,.dicom,.nii,.gz,image/*,application/dicom'
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true })
    input.addEventListener('cancel', () => resolve(null), { once: true })
    input.click()
  })
}

export function createBridgeClient(): RendererApi {
  const token = readToken()
  const clientId = randomId()
  const headers = { [BRIDGE.tokenHeader]: token, [CLIENT_HEADER]: clientId }
  const listeners: { [E in EventChannel]: Set<(p: EventContract[E]) => void> } = {
    'explain:progress': new Set(),
    'app:command': new Set(),
  }
  let streaming = false

  async function call<C extends InvokeChannel>(channel: C, req: ReqOf<C>): Promise<Result<ResOf<C>>> {
    try {
      const res = await fetch(BRIDGE.invokePath + channel, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: encodeWire(req) as Uint8Array<ArrayBuffer>,
      })
      if (!res.ok) return { ok: false, error: UNREACHABLE }
      return decodeWire(new Uint8Array(await res.arrayBuffer())) as Result<ResOf<C>>
    } catch {
      // fetch rejects only when the server is gone; the sentence tells the user what to do.
      return { ok: false, error: UNREACHABLE }
    }
  }

  function deliver(line: string): void {
    if (line.trim() === '') return
    const msg = JSON.parse(line) as { channel: EventChannel; payload: unknown }
    if (msg.channel === 'explain:progress') for (const cb of listeners['explain:progress']) cb(msg.payload as ProgressDto)
    if (msg.channel === 'app:command') for (const cb of listeners['app:command']) cb(msg.payload as AppCommandDto)
  }

  /** One long-lived NDJSON stream for all events; reconnects after a second if it drops. */
  async function stream(): Promise<void> {
    streaming = true
    try {
      const res = await fetch(BRIDGE.eventsPath, { headers })
      const reader = res.body?.getReader()
      if (reader === undefined) return
      const decoder = new TextDecoder()
      let buf = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buf += decoder.decode(value, { stream: true })
        const lines = buf.split('\n')
        buf = lines.pop() ?? ''
        lines.forEach(deliver)
      }
    } catch {
      // Dropped stream (server restarting): progress is cosmetic, so retry quietly.
    } finally {
      streaming = false
      setTimeout(() => {
        if (!streaming) void stream()
      }, 1000)
    }
  }

  function on<E extends EventChannel>(channel: E, cb: (p: EventContract[E]) => void): () => void {
    listeners[channel].add(cb)
    if (!streaming) void stream()
    return () => {
      listeners[channel].delete(cb)
    }
  }

  const api: RendererApi = {
    getAppInfo: () => call(API_CHANNELS.getAppInfo, null),
    listMethods: (req) => call(API_CHANNELS.listMethods, req),
    loadImage: (req) => call(API_CHANNELS.loadImage, req),
    // No native dialog behind HTTP: the page's own file picker, then the same image:load call.
    openImageDialog: async () => {
      const file = await pickFile()
      if (file === null) return { ok: true, value: null }
      return call(API_CHANNELS.loadImage, { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })
    },
    renderImage: (req) => call(API_CHANNELS.renderImage, req),
    getPixelValue: (req) => call(API_CHANNELS.getPixelValue, req),
    getPatientDetails: (req) => call(API_CHANNELS.getPatientDetails, req),
    runExplain: (req) => call(API_CHANNELS.runExplain, req),
    cancelExplain: (req) => call(API_CHANNELS.cancelExplain, req),
    drilldown: (req) => call(API_CHANNELS.drilldown, req),
    faithfulness: (req) => call(API_CHANNELS.faithfulness, req),
    exportFigure: (req) => call(API_CHANNELS.exportFigure, req),
    cancelExport: (req) => call(API_CHANNELS.cancelExport, req),
    log: (req) => call(API_CHANNELS.log, req),
    onProgress: (cb) => on('explain:progress', cb),
    onCommand: (cb) => on('app:command', cb),
  }
  return api
}
