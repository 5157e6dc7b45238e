/**
 * Network silence (issue 16, build 1): the strace log reader on known lines, then the real check —
 * a ≥ 90 s CLI + browser-mode session in a loopback-only network namespace with 0 non-loopback or DNS
 * attempts and no onnxruntime telemetry files.
 */
import { describe, expect, it } from 'vitest'
import { offlineCheckUnavailable, runOfflineCheck } from '../../scripts/offline/check'
import { isLoopback, summariseStrace } from '../../scripts/offline/strace-log'

// Lines as strace 6 prints them with -f (the DNS one is onnxruntime's telemetry, measured with it on).
const LOG = [
  '11695 connect(53, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = -1 ENETUNREACH (Network is unreachable)',
  '2001 connect(20, {sa_family=AF_INET, sin_port=htons(41107), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)',
  '2002 connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)',
  '2003 sendto(5, [{nlmsg_len=20, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP}], 20, 0, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 20',
  '2004 sendto(7, "abc", 3, MSG_NOSIGNAL, NULL, 0) = 3',
  '2005 connect(9, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2603:1030::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH',
  '2006 sendmsg(4, {msg_name={sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, msg_namelen=16}, 0) = 40',
  '2007 connect(8, {sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
].join('\n')

describe('strace log reader', () => {
  it('flags non-loopback and DNS attempts, allows loopback, unix and netlink', () => {
    const s = summariseStrace(LOG)
    expect(s.attempts).toBe(7)
    expect(s.byFamily).toEqual({ AF_INET: 3, AF_INET6: 2, AF_UNIX: 1, AF_NETLINK: 1 })
    expect(s.loopback).toBe(2)
    expect(s.violations.map((v) => `${v.address}:${v.port}`)).toEqual(['10.255.255.53:53', '2603:1030::1:443', '127.0.0.53:53'])
  })

  it('knows loopback', () => {
    expect(['127.0.0.1', '127.5.0.9', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true)
    expect(['10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1'].some(isLoopback)).toBe(false)
  })
})

describe('npm run check:offline', () => {
  it('a 90 s CLI batch + browser-mode session makes 0 network attempts and writes no telemetry', async (ctx) => {
    const reason = offlineCheckUnavailable()
    ctx.skip(reason !== null, reason ?? '')
    const report = await runOfflineCheck(90)
    expect(report.strace.violations).toEqual([])
    expect(report.telemetryFiles).toEqual([])
    expect(report.session?.seconds).toBeGreaterThanOrEqual(90)
    expect(report.passed).toBe(true)
  }, 300_000)
})
