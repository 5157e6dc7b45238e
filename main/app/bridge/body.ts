/**
 * Request bodies of the browser bridge, bounded before and while they arrive. A body must declare its size
 * (Content-Length: the page's `fetch` and every HTTP client send it for a byte body; a chunked body is
 * refused with 411), the size must be within the cap (413, decided before a byte is read), and the bytes
 * declared by all bodies being read at once must fit one budget (503): before issue 16 four concurrent
 * 500 MB bodies took main to 3.67 GB. The body is read into one buffer of the declared size, so it is
 * held once (no chunk list + concatenated copy) and can never grow past what was declared.
 */
import type { IncomingMessage } from 'node:http'

export type BodyRead =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly status: 400 | 411 | 413 | 503; readonly reason: string }

/** `Content-Length` as a number, or null when absent or not a plain decimal. */
function declaredLength(req: IncomingMessage): number | null {
  const v = req.headers['content-length']
  return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null
}

export class BodyReader {
  private inFlightBytes = 0

  /** `maxBody`: largest single body; `budgetBytes`: all bodies being read at the same time. */
  constructor(private readonly maxBody: number, private readonly budgetBytes: number) {}

  async read(req: IncomingMessage): Promise<BodyRead> {
    const declared = declaredLength(req)
    if (declared === null || req.headers['transfer-encoding'] !== undefined) return { ok: false, status: 411, reason: 'length required' }
    if (declared > this.maxBody) return { ok: false, status: 413, reason: 'too large' }
    if (this.inFlightBytes + declared > this.budgetBytes) return { ok: false, status: 503, reason: 'busy' }
    this.inFlightBytes += declared
    try {
      const body = new Uint8Array(declared)
      let at = 0
      for await (const chunk of req as AsyncIterable<Buffer>) {
        // Node's parser stops at Content-Length; checked here as well so a parser change cannot overflow.
        if (at + chunk.length > declared) return { ok: false, status: 400, reason: 'body longer than declared' }
        body.set(chunk, at)
        at += chunk.length
      }
      return at === declared ? { ok: true, body } : { ok: false, status: 400, reason: 'body shorter than declared' }
    } finally {
      this.inFlightBytes -= declared
    }
  }
}
