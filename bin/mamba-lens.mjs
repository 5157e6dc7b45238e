#!/usr/bin/env node
// mamba-lens CLI launcher: registers tsx (the CLI is TypeScript), runs it with the process streams and
// maps Ctrl-C to cancellation (exit code 5). Usage: `mamba-lens --help`.
import { register } from 'tsx/esm/api'

register()
const { runCli } = await import('../main/cli/index.ts')
const controller = new AbortController()
let interrupted = false
process.on('SIGINT', () => {
  if (interrupted) process.exit(5)
  interrupted = true
  process.stderr.write('mamba-lens: interrupted, cancelling (press Ctrl-C again to quit now)\n')
  controller.abort()
})
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
process.exitCode = interrupted && code === 0 ? 5 : code
