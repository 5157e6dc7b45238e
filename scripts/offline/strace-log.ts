/**
 * Reads the output of `strace -f -e trace=connect,sendto,sendmsg` and sorts every socket address the
 * traced processes tried to reach. An attempt *violates* "network-silent" when it targets an Internet
 * address other than loopback, or any DNS port (a name lookup, even through a loopback stub resolver
 * such as systemd-resolved's 127.0.0.53, would leave the machine outside the test's namespace).
 * Unix-socket and netlink traffic is counted but allowed: it never leaves the host.
 */

export interface SocketAttempt {
  readonly syscall: 'connect' | 'sendto' | 'sendmsg'
  readonly family: string
  readonly address?: string
  readonly port?: number
  readonly line: string
}

export interface StraceSummary {
  /** Traced calls that named a socket address. */
  readonly attempts: number
  readonly byFamily: Readonly<Record<string, number>>
  /** Internet attempts to loopback (the browser-mode bridge and its clients). */
  readonly loopback: number
  /** Attempts to a non-loopback Internet address or to port 53: must be none. */
  readonly violations: readonly SocketAttempt[]
}

const CALL = /^(?:\[pid\s+)?\d*\]?\s*(connect|sendto|sendmsg)\((.*)$/
const FAMILY = /sa_family=(AF_\w+)/
const V4 = /sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/
const V6_PORT = /sin6_port=htons\((\d+)\)/
const V6_ADDR = /inet_pton\(AF_INET6, "([^"]+)"/
const DNS_PORT = 53

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return /^127\.\d+\.\d+\.\d+$/.test(v4) || address === '::1'
}

/** One strace line → the address it names, or null (no address: a connected socket, a resumed call). */
export function parseAttempt(line: string): SocketAttempt | null {
  const call = CALL.exec(line.trim())
  if (call === null) return null
  const args = call[2] ?? ''
  const family = FAMILY.exec(args)?.[1]
  if (family === undefined) return null
  const syscall = call[1] as SocketAttempt['syscall']
  if (family === 'AF_INET') {
    const m = V4.exec(args)
    return m === null ? { syscall, family, line } : { syscall, family, port: Number(m[1]), address: m[2] ?? '', line }
  }
  if (family === 'AF_INET6') {
    const port = V6_PORT.exec(args)?.[1]
    const address = V6_ADDR.exec(args)?.[1]
    return { syscall, family, ...(address !== undefined ? { address } : {}), ...(port !== undefined ? { port: Number(port) } : {}), line }
  }
  return { syscall, family, line }
}

const isInternet = (a: SocketAttempt): boolean => a.family === 'AF_INET' || a.family === 'AF_INET6'

/** Summary of a whole strace log. An Internet attempt whose address strace did not print counts as a violation. */
export function summariseStrace(log: string): StraceSummary {
  const byFamily: Record<string, number> = {}
  const violations: SocketAttempt[] = []
  let attempts = 0
  let loopback = 0
  for (const line of log.split('\n')) {
    const a = parseAttempt(line)
    if (a === null) continue
    attempts++
    byFamily[a.family] = (byFamily[a.family] ?? 0) + 1
    if (!isInternet(a)) continue
    if (a.address !== undefined && isLoopback(a.address) && a.port !== DNS_PORT) loopback++
    else violations.push(a)
  }
  return { attempts, byFamily, loopback, violations }
}
