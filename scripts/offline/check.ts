/**
 * `npm run check:offline`: proves that Mamba Lens makes no network attempt. Runs a real session (the CLI
 * batch and browser mode, session.ts) for ≥ 90 s inside a network namespace that has only loopback
 * (`unshare -n`, or `unshare -rn` for a non-root user) under `strace -f -e trace=connect,sendto,sendmsg`,
 * then requires 0 attempts to a non-loopback or DNS address and no onnxruntime telemetry files in the
 * session's home folder. The app must switch telemetry off itself: ORT_DISABLE_TELEMETRY is removed from
 * the session's environment. Prints a JSON report; exit 0 = network-silent, 1 = not, 2 = cannot check here.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { summariseStrace, type StraceSummary } from './strace-log'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html')

export interface OfflineReport {
  readonly namespace: string
  readonly requestedSeconds: number
  readonly session: { readonly cliBatches: number; readonly cliFailures: number; readonly browserRounds: number; readonly seconds: number } | null
  readonly strace: Omit<StraceSummary, 'violations'> & { readonly violations: readonly string[] }
  /** Files under the session's home that onnxruntime's telemetry writes (must be none). */
  readonly telemetryFiles: readonly string[]
  readonly passed: boolean
}

const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0

/** `unshare` flags that give a loopback-only namespace here: root needs none extra; others map to root in a user namespace. */
function namespaceFlags(): string[] {
  return process.getuid?.() === 0 ? ['-n'] : ['-r', '-n']
}

/** Why the check cannot run on this machine, or null. */
export function offlineCheckUnavailable(): string | null {
  if (process.platform !== 'linux') return 'network namespaces and strace are Linux-only'
  for (const tool of ['unshare', 'strace', 'ip']) if (!onPath(tool)) return `${tool} is not installed (scripts/setup.sh installs it)`
  const probe = spawnSync('unshare', [...namespaceFlags(), 'sh', '-c', 'ip link set lo up'])
  if (probe.status !== 0) return `cannot create a network namespace here (unshare ${namespaceFlags().join(' ')}: ${probe.stderr.toString().trim()})`
  return null
}

/** Every file under `dir` (recursively) that onnxruntime's telemetry writes. */
function telemetryFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /Microsoft|onnxruntime\.db|deviceid/i.test(p))
}

/** A few synthetic photographs-to-be (noise), so the check needs no data set. */
async function writeImages(dir: string): Promise<void> {
  mkdirSync(dir)
  for (let i = 0; i < 3; i++) {
    const pixels = Buffer.alloc(256 * 256 * 3)
    for (let p = 0; p < pixels.length; p++) pixels[p] = (p * (i + 7) * 2654435761) >>> 24
    await sharp(pixels, { raw: { width: 256, height: 256, channels: 3 } }).png().toFile(join(dir, `image-${i}.png`))
  }
}

export async function runOfflineCheck(seconds: number): Promise<OfflineReport> {
  if (!existsSync(RENDERER_INDEX)) {
    const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' })
    if (build.status !== 0) throw new Error('renderer build failed')
  }
  const work = mkdtempSync(join(tmpdir(), 'mamba-offline-'))
  try {
    const home = join(work, 'home')
    mkdirSync(home)
    await writeImages(join(work, 'images'))
    mkdirSync(join(work, 'out'))
    const log = join(work, 'strace.log')
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home }
    delete env.ORT_DISABLE_TELEMETRY
    delete env.XDG_CACHE_HOME
    const traced = ['strace', '-f', '-qq', '-e', 'trace=connect,sendto,sendmsg', '-o', log,
      process.execPath, '--import', 'tsx', join(ROOT, 'scripts/offline/session.ts'),
      '--seconds', String(seconds), '--images', join(work, 'images'), '--out', join(work, 'out')]
    const r = spawnSync('unshare', [...namespaceFlags(), 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...traced], {
      cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
    })
    const lastLine = r.stdout.toString().trim().split('\n').pop() ?? ''
    const session = r.status === 0 ? (JSON.parse(lastLine) as OfflineReport['session']) : null
    const summary = summariseStrace(existsSync(log) ? readFileSync(log, 'utf8') : '')
    const files = telemetryFiles(home)
    const passed = session !== null && session.seconds >= seconds && session.cliBatches > 0 && session.browserRounds > 0 &&
      summary.violations.length === 0 && files.length === 0 && summary.loopback > 0
    return {
      namespace: `unshare ${namespaceFlags().join(' ')}`, requestedSeconds: seconds, session,
      strace: { ...summary, violations: summary.violations.slice(0, 20).map((v) => v.line) },
      telemetryFiles: files, passed,
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '90' } } })
  const reason = offlineCheckUnavailable()
  if (reason !== null) {
    process.stderr.write(`check:offline cannot run here: ${reason}\n`)
    process.exit(2)
  }
  const report = await runOfflineCheck(Number(values.seconds))
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
  process.exit(report.passed ? 0 : 1)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void main()
