/**
 * Serves the built renderer (out/renderer) for browser mode. Files are read once at start-up into memory:
 * the build is small, and a fixed map means a request path can never reach anything outside the build folder.
 */
import { readdir, readFile } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

export interface StaticFile {
  readonly body: Buffer
  readonly type: string
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await walk(p)))
    else if (e.isFile()) out.push(p)
  }
  return out
}

/** URL path (`/assets/x.js`) → file, for every file of `root`; `/` maps to `index.html`. */
export async function loadStaticFiles(root: string): Promise<ReadonlyMap<string, StaticFile>> {
  const files = new Map<string, StaticFile>()
  for (const abs of await walk(root)) {
    const type = TYPES[extname(abs).toLowerCase()]
    if (type === undefined) continue
    const urlPath = '/' + relative(root, abs).split(sep).join('/')
    files.set(urlPath, { body: await readFile(abs), type })
  }
  const index = files.get('/index.html')
  if (index === undefined) throw new Error(`no index.html in ${root}: build the renderer first (npm run web does; or npx vite build --config renderer/vite.config.ts)`)
  files.set('/', index)
  return files
}
