/**
 * The main window, hardened per Electron's security checklist (items 2–5, 7; STYLE.md §1.1). The renderer is
 * sandboxed, isolated and has no Node; the preload is one CJS bundle that exposes only `RendererApi`.
 */
import { BrowserWindow, type WebPreferences } from 'electron'
import { APP_INDEX_URL } from './app-protocol'

/**
 * Load-bearing: a design test pins these values (test/main/app/design.test.ts). `devTools` is false in
 * packaged builds: no DevTools window at all, not only no menu entry.
 */
export function webPreferences(preloadPath: string, opts: { devTools: boolean } = { devTools: false }): WebPreferences {
  return {
    preload: preloadPath,
    devTools: opts.devTools,
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
  /** The electron-vite dev server URL in development; otherwise the built page on `app://` (app-protocol.ts). */
  readonly devServerUrl?: string
  /** Unpackaged builds only. */
  readonly devTools: boolean
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
    webPreferences: webPreferences(opts.preloadPath, { devTools: opts.devTools }),
  })
  // Shown once painted so the user never sees an empty white frame.
  win.once('ready-to-show', () => win.show())
  void win.loadURL(opts.devServerUrl ?? APP_INDEX_URL)
  return win
}
