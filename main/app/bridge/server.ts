/**
 * Browser mode: the renderer served on 127.0.0.1, talking to the same dispatcher as Electron's IPC.
 * The HTTP surface is exactly the contract: `POST /api/invoke/<channel>` (one per RendererApi call),
 * `GET /api/events` (progress stream) and the static build. Guards, in order:
 *  - Host header must name this loopback port (defeats DNS rebinding);
 *  - API calls need the random per-launch token in a custom header (a custom header also forces a CORS
 *    preflight from any other origin, which is never answered, so other sites cannot even send the request);
 *  - an Origin header, when present, must be ours;
 *  - bodies are bounded before and while they are read (body.ts), at most MAX_API_REQUESTS calls run at
 *    once (503 beyond), and a malformed request (a channel that is not valid percent-encoding) is a 400.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../../core/log'
import { decodeWire, encodeWire } from '../../core/ui/wire'
import { BRIDGE, type EventChannel, type EventContract } from '../../../preload/contract'
import { SECURITY_HEADERS } from '../csp'
import type { Dispatch } from '../dispatch'
import { MAX_IMAGE_BYTES } from '../schemas'
import { BodyReader } from './body'
import { loadStaticFiles } from './static-files'

export interface BridgeOptions {
  readonly dispatch: Dispatch
  /** Folder of the built renderer. */
  readonly staticDir: string
  readonly log: Logger
  /** 0 picks a free port. */
  readonly port?: number
  /** Fixed token for tests; random (256 bits) otherwise. */
  readonly token?: string
}

export interface Bridge {
  readonly port: number
  readonly token: string
  /** URL to open: the token travels in the fragment, which browsers never send to a server or a log. */
  readonly url: string
  close(): Promise<void>
}

const CLIENT_HEADER = 'x-mamba-lens-client'
const MAX_BODY = MAX_IMAGE_BYTES + 1024 * 1024
/** Bodies read at once: one largest image plus small calls (a second large upload waits for a 503 retry). */
const BODY_BUDGET = MAX_BODY + 16 * 1024 * 1024
/** API calls in progress at once (the page makes a handful; pixel-value probes can burst). */
const MAX_API_REQUESTS = 32

function send(res: ServerResponse, status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

/** A refusal before the body was read: the connection is closed so the client stops sending. */
function refuse(res: ServerResponse, status: number, text: string): void {
  res.shouldKeepAlive = false
  send(res, status, text)
}

/** The channel named by the path, or null when its percent-encoding is malformed. */
function channelOf(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded)
  } catch {
    return null
  }
}

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const log = opts.log.child('bridge')
  const files = await loadStaticFiles(opts.staticDir)
  const token = opts.token ?? randomBytes(32).toString('hex')
  const tokenBuf = Buffer.from(token)
  const streams = new Map<string, Set<ServerResponse>>()
  const bodies = new BodyReader(MAX_BODY, BODY_BUDGET)
  let apiRequests = 0
  let port = 0

  const hostOk = (host: string | undefined): boolean => host === `127.0.0.1:${port}` || host === `localhost:${port}`
  const originOk = (origin: string | undefined): boolean =>
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
  const tokenOk = (value: string | string[] | undefined): boolean => {
    if (typeof value !== 'string') return false
    const b = Buffer.from(value)
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf)
  }
  const clientId = (req: IncomingMessage): string | null => {
    const v = req.headers[CLIENT_HEADER]
    return typeof v === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(v) ? v : null
  }

  const emitTo = (client: string) => <E extends EventChannel>(channel: E, payload: EventContract[E]): void => {
    const line = JSON.stringify({ channel, payload }) + '\n'
    for (const s of streams.get(client) ?? []) s.write(line)
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const client = clientId(req)
    if (!tokenOk(req.headers[BRIDGE.tokenHeader]) || client === null) return send(res, 401, 'unauthorised')
    if (req.method === 'GET' && path === BRIDGE.eventsPath) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/x-ndjson' })
      res.write('\n') // flush headers so the page knows the stream is open
      const set = streams.get(client) ?? new Set<ServerResponse>()
      set.add(res)
      streams.set(client, set)
      req.on('close', () => {
        set.delete(res)
        if (set.size === 0) streams.delete(client)
      })
      return
    }
    if (req.method !== 'POST' || !path.startsWith(BRIDGE.invokePath)) return refuse(res, 404, 'not found')
    if (req.headers['content-type'] !== 'application/octet-stream') return refuse(res, 415, 'unsupported media type')
    const channel = channelOf(path.slice(BRIDGE.invokePath.length))
    if (channel === null) return refuse(res, 400, 'malformed request')
    if (apiRequests >= MAX_API_REQUESTS) return refuse(res, 503, 'busy')
    apiRequests++
    try {
      const read = await bodies.read(req)
      if (!read.ok) return refuse(res, read.status, read.reason)
      let raw: unknown
      try {
        raw = decodeWire(read.body)
      } catch (err) {
        // A malformed body is answered like any invalid request; the dispatcher logs and words it.
        log.debug('undecodable body', { error: err instanceof Error ? err.message : String(err) })
        raw = undefined
      }
      const result = await opts.dispatch(channel, raw, { emit: emitTo(client) })
      send(res, 200, encodeWire(result), 'application/octet-stream')
    } finally {
      apiRequests--
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (!hostOk(req.headers.host)) return send(res, 421, 'wrong host')
    if (!originOk(req.headers.origin)) return send(res, 403, 'wrong origin')
    if (path.startsWith('/api/')) {
      handleApi(req, res, path).catch((err: unknown) => {
        log.error('bridge request failed', { error: err instanceof Error ? err.message : String(err) })
        if (!res.headersSent) send(res, 500, 'internal error')
        else res.end()
      })
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed')
    const file = files.get(path)
    if (file === undefined) return send(res, 404, 'not found')
    send(res, 200, file.body, file.type)
  })
  // Loopback only: nothing else on the network can reach the bridge.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  log.info('browser bridge listening', { port })
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const set of streams.values()) for (const s of set) s.end()
        streams.clear()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
