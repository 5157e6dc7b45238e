// @vitest-environment node
/** Browser-mode bridge security and transport (main/app/bridge/server.ts). */
import { request } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../main/core/log'
import { decodeWire, encodeWire } from '../../../main/core/ui/wire'
import { startBridge, type Bridge } from '../../../main/app/bridge/server'
import type { Dispatch } from '../../../main/app/dispatch'
import { BRIDGE } from '../../../preload/contract'

const TOKEN = 'a'.repeat(64)
let bridge: Bridge
const calls: { channel: string; raw: unknown }[] = []

const dispatch: Dispatch = async (channel, raw, ctx) => {
  calls.push({ channel, raw })
  if (channel === 'explain:run') ctx.emit('explain:progress', { requestId: 'q', stage: 'graph', fraction: 0.5 })
  return { ok: true, value: { echo: raw } }
}

interface Res { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${bridge.port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

/**
 * Sends only the headers (and `partial` body bytes) of a request and resolves with the status, or with 0
 * when no answer comes within 5 s (the bridge waiting for a body it should have refused). `open` keeps the
 * request unfinished, as a slow upload.
 */
function headersOnly(path: string, headers: Record<string, string>, partial = new Uint8Array(0)): { status: Promise<number>; abort: () => void } {
  const req = request({ host: '127.0.0.1', port: bridge.port, path, method: 'POST', headers: { host: `127.0.0.1:${bridge.port}`, ...headers } })
  const status = new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(0), 5000)
    req.on('response', (res) => {
      clearTimeout(timer)
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', () => undefined)
  })
  req.write(partial)
  return { status, abort: () => req.destroy() }
}

const api = (extra: Record<string, string> = {}) => ({ [BRIDGE.tokenHeader]: TOKEN, 'x-mamba-lens-client': 'client-0001', 'content-type': 'application/octet-stream', ...extra })

describe('browser bridge', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lens-static-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    bridge = await startBridge({ dispatch, staticDir: dir, log: createLogger(() => undefined), token: TOKEN })
  })
  afterAll(async () => bridge.close())

  it('listens on loopback and puts the token in the URL fragment only', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/#token=${TOKEN}`)
  })

  it('serves the built page with the CSP and hardening headers', async () => {
    const r = await send('/')
    expect(r.status).toBe(200)
    expect(r.headers['content-security-policy']).toContain("script-src 'self'")
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect((await send('/../../etc/passwd')).status).toBe(404)
    expect((await send('/index.html', { method: 'POST' })).status).toBe(405)
  })

  it('rejects a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    expect((await send('/', { headers: { host: `evil.example:${bridge.port}` } })).status).toBe(421)
    expect((await send(`${BRIDGE.invokePath}app:info`, { method: 'POST', headers: api({ origin: 'https://evil.example' }), body: encodeWire(null) })).status).toBe(403)
  })

  it('requires the per-launch token and a client id for every API call', async () => {
    const body = encodeWire(null)
    expect((await send(`${BRIDGE.invokePath}app:info`, { method: 'POST', headers: api({ [BRIDGE.tokenHeader]: 'b'.repeat(64) }), body })).status).toBe(401)
    expect((await send(`${BRIDGE.invokePath}app:info`, { method: 'POST', headers: api({ 'x-mamba-lens-client': '' }), body })).status).toBe(401)
    expect((await send(BRIDGE.eventsPath)).status).toBe(401)
  })

  it('carries a typed request and Result through the wire format', async () => {
    const req = { runId: 'r', token: 5 }
    const r = await send(`${BRIDGE.invokePath}explain:drilldown`, { method: 'POST', headers: api(), body: encodeWire(req) })
    expect(r.status).toBe(200)
    expect(decodeWire(new Uint8Array(r.body))).toEqual({ ok: true, value: { echo: req } })
    expect(calls.at(-1)).toEqual({ channel: 'explain:drilldown', raw: req })
    const bad = await send(`${BRIDGE.invokePath}app:info`, { method: 'POST', headers: api(), body: new Uint8Array([1, 2]) })
    expect(bad.status).toBe(200)
    expect(calls.at(-1)).toEqual({ channel: 'app:info', raw: undefined })
  })

  it('refuses an over-large declared body before reading it (413), and a body without a length (411)', async () => {
    const big = headersOnly(`${BRIDGE.invokePath}image:load`, api({ 'content-length': String(600 * 1024 * 1024) }), new Uint8Array(1024))
    expect(await big.status).toBe(413)
    big.abort()
    const chunked = await send(`${BRIDGE.invokePath}app:info`, { method: 'POST', headers: api({ 'transfer-encoding': 'chunked' }), body: encodeWire(null) })
    expect(chunked.status).toBe(411)
  })

  it('bounds the bytes being uploaded at once and the calls in progress (503 beyond)', async () => {
    const first = headersOnly(`${BRIDGE.invokePath}image:load`, api({ 'content-length': String(500 * 1024 * 1024) }), new Uint8Array(1024))
    await new Promise((r) => setTimeout(r, 200))
    const second = headersOnly(`${BRIDGE.invokePath}image:load`, api({ 'content-length': String(100 * 1024 * 1024) }), new Uint8Array(1024))
    expect(await second.status).toBe(503)
    first.abort()
    second.abort()
    const slow = Array.from({ length: 32 }, () => headersOnly(`${BRIDGE.invokePath}app:info`, api({ 'content-length': '16' })))
    await new Promise((r) => setTimeout(r, 300))
    const extra = headersOnly(`${BRIDGE.invokePath}app:info`, api({ 'content-length': '16' }))
    expect(await extra.status).toBe(503)
    for (const r of [...slow, extra]) r.abort()
    // Slots and budget are given back: a normal call goes through again.
    await new Promise((r) => setTimeout(r, 200))
    expect((await send(`${BRIDGE.invokePath}app:info`, { method: 'POST', headers: api(), body: encodeWire(null) })).status).toBe(200)
  })

  it('answers a malformed request (bad percent-encoding in the channel) with 400', async () => {
    const r = await send(`${BRIDGE.invokePath}app%E0%A4%A`, { method: 'POST', headers: api(), body: encodeWire(null) })
    expect(r.status).toBe(400)
  })

  it('streams events only to the client that made the request', async () => {
    const lines: string[] = []
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: bridge.port, path: BRIDGE.eventsPath, headers: { host: `127.0.0.1:${bridge.port}`, ...api() } }, (res) => {
        res.on('data', (c: Buffer) => {
          lines.push(...c.toString().split('\n').filter((l) => l.trim() !== ''))
          if (lines.length > 0) {
            req.destroy()
            resolve()
          }
        })
        void send(`${BRIDGE.invokePath}explain:run`, { method: 'POST', headers: api({ 'x-mamba-lens-client': 'other-client' }), body: encodeWire({}) }).then(() =>
          send(`${BRIDGE.invokePath}explain:run`, { method: 'POST', headers: api(), body: encodeWire({}) }),
        )
      })
      req.end()
    })
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toEqual({ channel: 'explain:progress', payload: { requestId: 'q', stage: 'graph', fraction: 0.5 } })
  })
})
