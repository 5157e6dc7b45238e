/**
 * The main window, hardened per Electron's security checklist (items 2–5, 7; STYLE.md §1.1). The renderer is
 * sandboxed, isolated and has no Node; the preload is one CJS bundle that exposes only `RendererApi`.
 */
import { BrowserWindow, type WebPreferences } from 'electron'

/** Load-bearing: a design test pins these values (test/main/app/windows.test.ts). */
export function webPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  }
}

export interface WindowOptions {
  readonly preloadPath: string
  /** Built renderer (`out/renderer/index.html`), or the electron-vite dev server URL in development. */
  readonly rendererFile: string
  readonly devServerUrl?: string
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Mamba Lens',
    backgroundColor: '#16181d',
    webPreferences: webPreferences(opts.preloadPath),
  })
  // Shown once painted so the user never sees an empty white frame.
  win.once('ready-to-show', () => win.show())
  if (opts.devServerUrl !== undefined) void win.loadURL(opts.devServerUrl)
  else void win.loadFile(opts.rendererFile)
  return win
}
