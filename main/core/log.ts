/**
 * Logger port with hierarchical categories and a no-op default (STYLE.md §2.6). Core never calls
 * `console`; main wires a sink. No PHI: callers log ids and hashes, never paths or patient tags.
 */

/** Log levels, most severe first. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug'

/** Structured fields attached to a record (shapes, timings, codes). */
export type LogFields = Readonly<Record<string, unknown>>

/** One log record as delivered to a sink. */
export interface LogRecord {
  readonly level: LogLevel
  /** Dotted category, e.g. `explain.rollout`. */
  readonly category: string
  readonly message: string
  readonly fields?: LogFields
}

/** A category logger; `child('rollout')` of `explain` logs as `explain.rollout`. */
export interface Logger {
  readonly category: string
  error(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  debug(message: string, fields?: LogFields): void
  child(name: string): Logger
}

/** Where records go (a file, the console, a test array). */
export type LogSink = (record: LogRecord) => void

/** Creates a logger that forwards every record to `sink` under `category`. */
export function createLogger(sink: LogSink, category = ''): Logger {
  const emit = (level: LogLevel) => (message: string, fields?: LogFields): void => {
    sink(fields === undefined ? { level, category, message } : { level, category, message, fields })
  }
  return {
    category,
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    child: (name) => createLogger(sink, category === '' ? name : `${category}.${name}`),
  }
}

/** The default logger: drops everything (core functions take a logger but need not be given one). */
export const noopLogger: Logger = createLogger(() => undefined)
