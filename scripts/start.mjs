#!/usr/bin/env node
/**
 * `npm start`: the desktop app when Electron's binary is installed, otherwise browser mode (and it says so).
 * `npm run web` (`--web`): browser mode directly. Browser mode = the built renderer served on 127.0.0.1 by
 * main/app/web-main.ts against the same main-process core; open the printed URL in any Chromium-based browser.
 *
 * The binary is found by reading node_modules/electron/path.txt, never by `require('electron')`: that call
 * tries to download Electron when the binary is missing, and this app never touches the network.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)

/** Path of the Electron executable, or a sentence saying why there is none. */
function findElectron() {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return { reason: 'node_modules/electron/path.txt is missing (the binary was never downloaded)' }
  const rel = readFileSync(pathFile, 'utf8').trim()
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist')
  const exe = join(dist, rel)
  return existsSync(exe) ? { exe } : { reason: `${exe} does not exist` }
}

/** Runs a command to completion, inheriting the terminal; exits with its status on failure. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

/** Starts a long-running child and forwards Ctrl+C / SIGTERM to it. */
function supervise(cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(code ?? (signal !== null ? 0 : 1)))
}

function startWeb() {
  run(bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'])
  console.log('Mamba Lens (browser mode): open the URL printed below in Chromium, Chrome or Edge. Ctrl+C stops it.')
  supervise(process.execPath, ['--import', 'tsx', join(root, 'main/app/web-main.ts')])
}

function startElectron(exe) {
  run(bin('electron-vite'), ['build', '--logLevel', 'warn'])
  supervise(exe, [root])
}

const forceWeb = process.argv.includes('--web')
if (forceWeb) {
  startWeb()
} else {
  const electron = findElectron()
  if (electron.exe !== undefined) {
    startElectron(electron.exe)
  } else {
    console.log(`Electron's binary is not installed on this machine (${electron.reason}).`)
    console.log('Starting browser mode instead (same app, served on 127.0.0.1). Install Electron to get the desktop window.')
    startWeb()
  }
}
