// @vitest-environment node
/**
 * Design-decision tests (STYLE.md §2.8, react-konva's "design decisions"): the load-bearing security and
 * layering choices of the app, pinned so that a later change has to break a test to undo them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../../main/core/log'

vi.mock('electron', () => ({ BrowserWindow: class {}, Menu: {}, dialog: {} }))

const ROOT = join(__dirname, '..', '..', '..')
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8')

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = []
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(dir, name)
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...files(p, ext))
    else if (ext.test(name)) out.push(p)
  }
  return out
}

const importsOf = (src: string): string[] => [...src.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2] ?? m[3] ?? '')

describe('design decisions', () => {
  it('windows keep sandbox, isolation and no Node (security checklist 2–5, 7)', async () => {
    const { webPreferences } = await import('../../../main/app/windows')
    expect(webPreferences('/x/preload.cjs')).toMatchObject({
      preload: '/x/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    })
  })

  it('the renderer carries the same strict CSP the bridge sends', async () => {
    const { CSP } = await import('../../../main/app/csp')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(read('renderer/index.html'))?.[1]
    expect(meta).toBe(CSP)
    expect(CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/)
  })

  it('no new windows, no navigation, no webviews, no permissions, no outbound requests', async () => {
    const { hardenWebContents, hardenSession, isAllowedRequest } = await import('../../../main/app/security')
    const on = new Map<string, (e: { preventDefault(): void }, url: string) => void>()
    let openHandler: ((d: { url: string }) => { action: string }) | null = null
    const contents = {
      setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
      on: (ev: string, h: (e: { preventDefault(): void }, url: string) => void) => void on.set(ev, h),
    }
    const log = createLogger(() => undefined)
    hardenWebContents(contents as never, log)
    expect(openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn()
      on.get(ev)!({ preventDefault }, 'https://example.com')
      expect(preventDefault).toHaveBeenCalled()
    }
    let permission: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null
    let check: (() => boolean) | null = null
    let beforeRequest: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null
    hardenSession({
      setPermissionRequestHandler: (h: typeof permission) => void (permission = h),
      setPermissionCheckHandler: (h: typeof check) => void (check = h),
      webRequest: { onBeforeRequest: (h: typeof beforeRequest) => void (beforeRequest = h) },
    } as never, log)
    const granted = vi.fn()
    permission!(null, 'media', granted)
    expect(granted).toHaveBeenCalledWith(false)
    expect(check!()).toBe(false)
    const answer = vi.fn()
    beforeRequest!({ url: 'https://telemetry.example/ping' }, answer)
    expect(answer).toHaveBeenCalledWith({ cancel: true })
    expect(isAllowedRequest('app://mamba-lens/index.html', undefined)).toBe(true)
    expect(isAllowedRequest('file:///app/out/renderer/index.html', undefined)).toBe(false)
    expect(isAllowedRequest('http://localhost:5173/', undefined)).toBe(false)
    expect(isAllowedRequest('http://localhost:5173/src/main.tsx', 'http://localhost:5173')).toBe(true)
  })

  it('the renderer imports no node:*, electron or main/** except the pure @core modules', () => {
    const bad: string[] = []
    for (const f of files('renderer/src', /\.tsx?$/)) {
      for (const spec of importsOf(read(f))) {
        if (/^node:|^electron|^(fs|path|child_process|os)$/.test(spec) || /\/main\//.test(spec)) bad.push(`${f}: ${spec}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('@core modules used by the renderer are pure (no Node, Electron, React or DOM globals)', () => {
    const used = new Set<string>()
    for (const f of files('renderer/src', /\.tsx?$/)) for (const spec of importsOf(read(f))) if (spec.startsWith('@core/')) used.add(spec.slice(6))
    expect(used.size).toBeGreaterThan(3)
    for (const mod of used) {
      const src = read(`main/core/${mod}.ts`)
      expect(importsOf(src).filter((s) => !s.startsWith('.')), mod).toEqual([])
      expect(src, mod).not.toMatch(/\bdocument\.|\bwindow\./)
    }
    for (const f of files('main/core/ui', /\.ts$/)) expect(importsOf(read(f)).every((s) => s.startsWith('./')), f).toBe(true)
  })

  it('the preload imports only electron and the zero-import contract', () => {
    expect(importsOf(read('preload/index.ts')).sort()).toEqual(['./contract', 'electron'])
    expect(importsOf(read('preload/contract.ts'))).toEqual([])
  })

  it('App.tsx is layout only and every app source file stays under 300 lines', () => {
    expect(read('renderer/src/App.tsx').split('\n').length).toBeLessThan(150)
    const long = [...files('renderer/src', /\.tsx?$/), ...files('main/app', /\.ts$/), ...files('main/core/ui', /\.ts$/), ...files('preload', /\.ts$/)]
      .filter((f) => read(f).split('\n').length > 300)
      .map((f) => relative(ROOT, join(ROOT, f)))
    expect(long).toEqual([])
  })
})
