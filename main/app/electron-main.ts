/**
 * Electron entry: hardening first, then the window, then the services (the window appears while the model
 * loads; calls made meanwhile wait for it, see `deferredDispatch`).
 */
import { app, BrowserWindow, ipcMain, Menu, protocol, session, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { APP_INDEX_URL, registerAppScheme, serveRenderer } from './app-protocol'
import { createServices, type Services } from './compose'
import { deferredDispatch } from './dispatch'
import { exportFolderDialog, showOpenImageDialog } from './dialogs'
import { defaultExportDir } from './export/export-folder'
import { TypedIpc } from './ipc/typed-ipc'
import { consoleSink, createAppLogger, fileSink } from './logging'
import { buildMenu } from './menu'
import { appPaths } from './paths'
import { hardenApp, hardenSession } from './security'
import { createMainWindow } from './windows'

export function startElectronApp(): void {
  const devServerUrl = process.env.ELECTRON_RENDERER_URL
  const isDev = !app.isPackaged
  const log = createAppLogger([
    fileSink(join(app.getPath('userData'), 'logs'), 'info'),
    ...(isDev ? [consoleSink('debug')] : []),
  ])
  // Every renderer sandboxed, whatever a future window forgets to set.
  app.enableSandbox()
  // Before ready, as Electron requires: the page's own origin instead of file://.
  registerAppScheme(protocol)
  hardenApp(app, log)
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }

  let win: BrowserWindow | null = null
  let services: Services | null = null

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, log, devServerUrl)
    const paths = appPaths(app.getAppPath())
    serveRenderer(session.defaultSession.protocol, paths.rendererDir)
    const rendererUrl = devServerUrl ?? APP_INDEX_URL
    const ready = createServices({
      mode: 'electron',
      appVersion: app.getVersion(),
      modelsDir: paths.modelsDir,
      cacheDir: join(app.getPath('userData'), 'cache'),
      log,
      openDialog: () => (win === null ? Promise.resolve(null) : showOpenImageDialog(win)),
      chooseExportFolder: exportFolderDialog(() => win, defaultExportDir(app.getPath('documents'))),
      stateDir: app.getPath('userData'),
      // Built next to this bundle by electron.vite.config.ts (the engine's source-tree fallback needs tsx).
      workerUrl: new URL('./entry.js', import.meta.url),
    }).then((s) => {
      services = s
      return s.dispatch
    })
    // Only our window, showing our page (not a navigated-away or framed document), may call main.
    const isTrustedSender = (event: IpcMainInvokeEvent): boolean =>
      win !== null &&
      BrowserWindow.fromWebContents(event.sender) === win &&
      event.senderFrame !== null &&
      event.senderFrame === event.sender.mainFrame &&
      event.senderFrame.url.split('#')[0]!.startsWith(rendererUrl)
    new TypedIpc(ipcMain, deferredDispatch(ready, log), isTrustedSender, log).register()
    win = createMainWindow({
      preloadPath: paths.preloadFile,
      devTools: isDev,
      ...(devServerUrl !== undefined ? { devServerUrl } : {}),
    })
    win.on('closed', () => (win = null))
    Menu.setApplicationMenu(buildMenu(() => win, isDev))
  })

  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', () => void services?.close())
}
