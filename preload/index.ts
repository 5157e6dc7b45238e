/**
 * Preload: implements `RendererApi` and nothing else (STYLE.md §1.1–1.2). Bundled as ONE CommonJS file
 * because sandboxed preloads can neither `import` ESM nor load npm packages; the only imports are `electron`
 * and the zero-import contract. Callbacks are wrapped so the page never receives the IPC event or sender.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type {
  EventChannel,
  EventContract,
  InvokeChannel,
  RendererApi,
  ReqOf,
  ResOf,
  Result,
} from './contract'

/** Typed wrapper over `ipcRenderer.invoke` (which returns `any`): pairs each channel with its request and Result. */
function invoke<C extends InvokeChannel>(channel: C, req: ReqOf<C>): Promise<Result<ResOf<C>>> {
  return ipcRenderer.invoke(channel, req) as Promise<Result<ResOf<C>>>
}

function subscribe<E extends EventChannel>(channel: E, cb: (payload: EventContract[E]) => void): () => void {
  const listener = (_event: IpcRendererEvent, payload: EventContract[E]): void => cb(payload)
  ipcRenderer.on(channel, listener)
  return () => {
    ipcRenderer.removeListener(channel, listener)
  }
}

const api: RendererApi = {
  getAppInfo: () => invoke('app:info', null),
  listMethods: (req) => invoke('methods:list', req),
  loadImage: (req) => invoke('image:load', req),
  openImageDialog: () => invoke('image:open-dialog', null),
  renderImage: (req) => invoke('image:render', req),
  getPixelValue: (req) => invoke('image:value', req),
  getPatientDetails: (req) => invoke('image:phi', req),
  runExplain: (req) => invoke('explain:run', req),
  cancelExplain: (req) => invoke('explain:cancel', req),
  drilldown: (req) => invoke('explain:drilldown', req),
  faithfulness: (req) => invoke('explain:faithfulness', req),
  exportFigure: (req) => invoke('export:figure', req),
  cancelExport: (req) => invoke('export:cancel', req),
  log: (req) => invoke('log:write', req),
  onProgress: (cb) => subscribe('explain:progress', cb),
  onCommand: (cb) => subscribe('app:command', cb),
}

contextBridge.exposeInMainWorld('api', api)
