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

/** Longest renderer-supplied log message kept (the schema admits 4000 characters; a log line needs far fewer). */
export const MAX_RENDERER_LOG_CHARS = 500

// ANSI/VT escape sequences (CSI … final byte, or ESC + one character), then any control or bidi-override
// character left: the page must not be able to forge log lines, recolour a terminal or reorder text.
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|[@-_])/g
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** Text from the page made safe for one log line: escapes removed, control characters as spaces, capped. */
export function rendererLogText(text: string): string {
  const flat = text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, ' ')
  return flat.length > MAX_RENDERER_LOG_CHARS ? `${flat.slice(0, MAX_RENDERER_LOG_CHARS)}…` : flat
}

export function createAppLogger(sinks: readonly LogSink[]): Logger {
  return createLogger((r) => {
    for (const s of sinks) s(r)
  }, 'app')
}
