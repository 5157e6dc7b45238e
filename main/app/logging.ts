/**
 * Log sinks for main (STYLE.md §2.6): one JSON line per record to a size-capped file in the user-data folder,
 * plus the console in development. Records carry ids and timings only; callers never log paths or patient data.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger, type Logger, type LogLevel, type LogRecord, type LogSink } from '../core/log'

const RANK: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 }
const MAX_LOG_BYTES = 5 * 1024 * 1024

export function consoleSink(minLevel: LogLevel): LogSink {
  return (r) => {
    if (RANK[r.level] > RANK[minLevel]) return
    const fields = r.fields === undefined ? '' : ' ' + JSON.stringify(r.fields)
    process.stderr.write(`[${r.level}] ${r.category}: ${r.message}${fields}\n`)
  }
}

/** Appends to `<dir>/main.log`, keeping one previous file (`main.log.1`) once it passes 5 MB. */
export function fileSink(dir: string, minLevel: LogLevel): LogSink {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'main.log')
  let written = 0
  try {
    written = statSync(file).size
  } catch {
    // No log file yet: start counting from zero (expected on first run).
    written = 0
  }
  return (r: LogRecord) => {
    if (RANK[r.level] > RANK[minLevel]) return
    const line = JSON.stringify({ t: new Date().toISOString(), ...r }) + '\n'
    if (written + line.length > MAX_LOG_BYTES) {
      renameSync(file, file + '.1')
      written = 0
    }
    appendFileSync(file, line)
    written += line.length
  }
}

export function createAppLogger(sinks: readonly LogSink[]): Logger {
  return createLogger((r) => {
    for (const s of sinks) s(r)
  }, 'app')
}
