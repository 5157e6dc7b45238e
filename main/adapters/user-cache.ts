/**
 * Where the CLI and browser mode keep caches (the optimised-graph cache saves ≈0.8 s of every later
 * start with Vim-T): $MAMBA_LENS_CACHE, else $XDG_CACHE_HOME/mamba-lens or ~/.cache/mamba-lens;
 * `MAMBA_LENS_CACHE=off` disables it. Electron uses its per-user data folder instead.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

export function userCacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const explicit = env['MAMBA_LENS_CACHE']
  if (explicit === 'off') return undefined
  if (explicit !== undefined && explicit !== '') return explicit
  return join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'mamba-lens')
}
