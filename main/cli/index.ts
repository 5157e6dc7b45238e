/**
 * `mamba-lens` command line (no Electron; core + adapters + engine only, STYLE.md §1.3).
 * `runCli(argv, io)` is the testable entry; `bin/mamba-lens.mjs` calls it with the process streams and
 * turns SIGINT into cancellation (exit 5).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createLogger, type Logger, type LogRecord } from '../core/log'
import { methodInfo, methods as allMethods } from '../core/explain/registry'
import { resolveModelOrCardPath, scanModels } from '../adapters/models/registry'
import { createEngine } from '../engine'
import { methodInfos } from '../engine/model-specs'
import { parseCommand, USAGE, type Command } from './args'
import { doctorCommand } from './doctor-cmd'
import { explainCommand, type CliIo } from './explain-cmd'
import { evalCommand } from './eval-cmd'
import { describe, EXIT, type ExitCode } from './exit-codes'
import { userCacheDir } from '../adapters/user-cache'

/** Streams, environment and cancellation of one CLI invocation. */
export interface RunCliIo extends Omit<CliIo, 'appVersion'> {
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Log level shown on stderr (default warn; `MAMBA_LENS_LOG=debug` for more). */
  readonly logLevel?: LogRecord['level']
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function appVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    // Version is informational (metadata); a missing package.json must not stop the CLI.
    return '0.0.0'
  }
}

function stderrLogger(io: RunCliIo): Logger {
  const order = ['error', 'warn', 'info', 'debug'] as const
  const level = io.logLevel ?? (io.env?.['MAMBA_LENS_LOG'] as LogRecord['level'] | undefined) ?? 'warn'
  const max = Math.max(0, order.indexOf(level))
  return createLogger((r) => {
    if (order.indexOf(r.level) > max) return
    io.stderr.write(`mamba-lens: ${r.level} ${r.category}: ${r.message}${r.fields !== undefined ? ` ${JSON.stringify(r.fields)}` : ''}\n`)
  })
}

/** The optimised-graph cache folder (adapters/user-cache.ts); without an environment (in-process tests) none. */
function cacheDirOf(io: RunCliIo): string | undefined {
  return io.env === undefined ? undefined : userCacheDir(io.env)
}

function modelsDirOf(cmd: { modelsDir?: string }, io: RunCliIo): string {
  return cmd.modelsDir ?? io.env?.['MAMBA_LENS_MODELS'] ?? `${ROOT}models`
}

async function dispatch(cmd: Command, io: RunCliIo, log: Logger): Promise<ExitCode> {
  if (cmd.command === 'help') {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  if (cmd.command === 'models') {
    const models = scanModels(modelsDirOf(cmd, io), log).map((e) => e.info)
    if (cmd.json) io.stdout.write(`${JSON.stringify(models.map(({ card: _card, classes, ...m }) => ({ ...m, classes: classes.length })), null, 2)}\n`)
    else for (const m of models) io.stdout.write(`${m.id}\t${m.name}\t${m.inputSize.join('x')}\t${m.classes.length} classes${m.isDefault ? '\t(default)' : ''}\n`)
    return EXIT.ok
  }
  if (cmd.command === 'methods') {
    const infos = cmd.model === undefined ? allMethods.map(methodInfo) : methodInfos(resolveModelOrCardPath(scanModels(modelsDirOf(cmd, io), log), cmd.model))
    if (cmd.json) io.stdout.write(`${JSON.stringify(infos, null, 2)}\n`)
    else for (const m of infos) io.stdout.write(`${m.id}\t${m.label}\t${m.classSpecific ? 'class-specific' : 'class-agnostic'}\t${m.spec}\n`)
    return EXIT.ok
  }
  if (cmd.command === 'doctor') {
    return doctorCommand(cmd, resolveModelOrCardPath(scanModels(modelsDirOf(cmd, io), log), cmd.model), io.stdout)
  }
  if (cmd.command === 'eval') return evalCommand(cmd, modelsDirOf(cmd, io), io, log)
  const cacheDir = cacheDirOf(io)
  const engine = await createEngine({
    modelsDir: modelsDirOf(cmd, io), logger: log, preload: false,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(cmd.providers !== undefined ? { preferProviders: cmd.providers } : {}),
    // The CLI never drills down: skip the background matrices.
    precomputeMatrices: 'never',
  })
  // The site secret for linkage IDs may come from the environment, so it stays out of shell history.
  const salt = io.env?.['MAMBA_LENS_LINKAGE_SALT']
  const args = cmd.figure !== undefined && cmd.figure.linkageSalt === undefined && salt !== undefined && salt !== ''
    ? { ...cmd, figure: { ...cmd.figure, linkageSalt: salt } } : cmd
  try {
    return await explainCommand(args, engine, { ...io, appVersion: appVersion() })
  } finally {
    await engine.close()
  }
}

/** Runs one CLI invocation; never throws, returns the exit code. */
export async function runCli(argv: readonly string[], io: RunCliIo): Promise<ExitCode> {
  const log = stderrLogger(io)
  try {
    return await dispatch(parseCommand(argv), io, log)
  } catch (e) {
    const d = describe(e)
    io.stderr.write(`mamba-lens: error [${d.code}] ${d.message}\n`)
    // Scripts asking for JSON get JSON for every failure, also one before any input ran (a usage mistake,
    // a broken model card); argv is checked directly because parsing itself may be what failed.
    if (argv.includes('--json')) io.stdout.write(`${JSON.stringify({ ok: false, code: d.code, message: d.message, exit: d.exit })}\n`)
    if (d.code === 'usage') io.stderr.write(`${USAGE}\n`)
    if (d.exit === EXIT.internal) log.error('internal error', { reason: e instanceof Error ? e.message : String(e) })
    return d.exit
  }
}
