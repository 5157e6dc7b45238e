/**
 * The renderer is served from a privileged custom scheme, `app://mamba-lens/`, not from `file://` (Electron
 * security checklist 18): a `file:` page shares its origin with every local file, so one injected script
 * could read the disk. Here the page has its own origin, only files under the built renderer folder are
 * answered, and every `file:` request is refused by the session filter (security.ts).
 */
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { Protocol } from 'electron'

export const APP_SCHEME = 'app'
export const APP_HOST = 'mamba-lens'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
/** The page the window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`

/**
 * Must run before the app is ready: `standard` gives the scheme real origins (so CSP 'self', fetch and
 * relative URLs work as on https), `secure` makes it a secure context; no CORS bypass, no service workers.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, bypassCSP: false, corsEnabled: false, allowServiceWorkers: false, stream: false } },
  ])
}

/** The file under `rootDir` that `url` names, or null (another host, a path climbing out, a folder). */
export function resolveAppPath(url: string, rootDir: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.endsWith('/')) return null
  const root = normalize(rootDir + sep)
  const file = normalize(join(root, path))
  return file.startsWith(root) ? file : null
}

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.ico': 'image/x-icon',
}

/** Answers `app://mamba-lens/…` from `rendererDir` only (404 for anything else); read with fs, not net.fetch of file:. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppPath(request.url, rendererDir)
    if (file === null) return new Response('not found', { status: 404 })
    try {
      const body = await readFile(file)
      return new Response(body, { headers: { 'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' } })
    } catch {
      return new Response('not found', { status: 404 })
    }
  })
}
