/**
 * The workload traced by check.ts: for `--seconds`, the CLI explains a batch of images again and again
 * while browser mode (main/app/web-main.ts) serves its page and answers the renderer's calls (load an
 * image, explain it, drill into a patch) over the loopback bridge. Both start as real child processes,
 * exactly as `npm run cli` and `npm run web` start them. Prints one JSON line with what it did.
 *
 * Usage: node --import tsx scripts/offline/session.ts --seconds 90 --images <dir> --out <dir>
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { BRIDGE, type InvokeChannel, type ReqOf, type ResOf, type Result } from '../../preload/contract'
import { decodeWire, encodeWire } from '../../main/core/ui/wire'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface Bridge { readonly origin: string; readonly token: string }

function startBrowserMode(): Promise<{ child: ChildProcess; bridge: Bridge }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main/app/web-main.ts')], {
    cwd: ROOT, env: { ...process.env, MAMBA_LENS_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code} before printing its URL`)))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /MAMBA_LENS_URL (http:\/\/[^/]+)\/#token=(\w+)/.exec(out)
      if (m?.[1] !== undefined && m[2] !== undefined) resolve({ child, bridge: { origin: m[1], token: m[2] } })
    })
  })
}

async function invoke<C extends InvokeChannel>(b: Bridge, channel: C, req: ReqOf<C>): Promise<ResOf<C>> {
  const res = await fetch(b.origin + BRIDGE.invokePath + channel, {
    method: 'POST',
    headers: { [BRIDGE.tokenHeader]: b.token, 'x-mamba-lens-client': 'offline-check-session', 'content-type': 'application/octet-stream' },
    body: encodeWire(req) as Uint8Array<ArrayBuffer>,
  })
  if (!res.ok) throw new Error(`${channel}: HTTP ${res.status}`)
  const result = decodeWire(new Uint8Array(await res.arrayBuffer())) as Result<ResOf<C>>
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}`)
  return result.value
}

/** What the renderer does for one image: page, load, explain, one drill-down. */
async function browserRound(b: Bridge, name: string, bytes: Uint8Array, i: number): Promise<void> {
  const page = await fetch(b.origin + '/')
  if (!page.ok) throw new Error(`page: HTTP ${page.status}`)
  const image = await invoke(b, 'image:load', { name, bytes })
  const run = await invoke(b, 'explain:run', { requestId: `offline-${i}`, imageId: image.imageId, options: {} })
  await invoke(b, 'explain:drilldown', { runId: run.runId, token: 1 })
}

function runCli(images: readonly string[], out: string): Promise<number> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/mamba-lens.mjs'), 'explain', ...images, '--out', out, '--json'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
  })
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)))
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, images: { type: 'string' }, out: { type: 'string' } } })
  const seconds = Number(values.seconds ?? 90)
  const dir = values.images ?? ''
  const images = readdirSync(dir).map((f) => join(dir, f))
  const started = Date.now()
  const until = started + seconds * 1000
  const { child, bridge } = await startBrowserMode()
  const counts = { cliBatches: 0, cliFailures: 0, browserRounds: 0 }
  const cliLoop = async (): Promise<void> => {
    while (Date.now() < until) {
      if ((await runCli(images, values.out ?? dir)) === 0) counts.cliBatches++
      else counts.cliFailures++
    }
  }
  const browserLoop = async (): Promise<void> => {
    for (let i = 0; Date.now() < until; i++) {
      const path = images[i % images.length] ?? ''
      await browserRound(bridge, path.split('/').pop() ?? 'image.png', new Uint8Array(readFileSync(path)), i)
      counts.browserRounds++
    }
  }
  try {
    await Promise.all([cliLoop(), browserLoop()])
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
  process.stdout.write(JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 }) + '\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`offline session failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
