/**
 * App-wide hardening (Electron security checklist items 4, 5, 13, 14, 17, 18): no new windows, no navigation,
 * no webviews, every permission denied, and every outbound network request cancelled, because the app is
 * offline by design (no telemetry, no update check; unlike netron's desktop shell).
 */
import type { App, Session, WebContents } from 'electron'
import type { Logger } from '../core/log'
import { APP_ORIGIN } from './app-protocol'

/**
 * Requests the session lets through: the app's own scheme (app-protocol.ts), in-page data:/blob: URLs,
 * DevTools' own pages (DevTools exists only in unpackaged builds), and the dev server in development.
 * Every `file:` request is refused: the page never needs the disk, main reads files for it.
 */
export function isAllowedRequest(url: string, devServerUrl: string | undefined): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`) || url.startsWith('devtools:') || url.startsWith('data:') || url.startsWith('blob:')) return true
  return devServerUrl !== undefined && url.startsWith(devServerUrl)
}

export function hardenWebContents(contents: WebContents, log: Logger): void {
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('blocked new window', { scheme: url.split(':')[0] })
    return { action: 'deny' }
  })
  const block = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault()
    log.warn('blocked navigation', { scheme: url.split(':')[0] })
  }
  contents.on('will-navigate', (event, url) => block(event, url))
  contents.on('will-redirect', (event, url) => block(event, url))
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function hardenSession(session: Session, log: Logger, devServerUrl?: string): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    log.warn('denied permission', { permission })
    callback(false)
  })
  session.setPermissionCheckHandler(() => false)
  session.webRequest.onBeforeRequest((details, callback) => {
    const cancel = !isAllowedRequest(details.url, devServerUrl)
    if (cancel) log.warn('cancelled outbound request', { scheme: details.url.split(':')[0] })
    callback({ cancel })
  })
}

/** Applies {@link hardenWebContents} to every web contents the app ever creates (including devtools). */
export function hardenApp(app: App, log: Logger): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log))
}
