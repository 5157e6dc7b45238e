/**
 * The folder Electron's export dialog opens at, and the linkage salt. (Browser mode has no folder: the
 * browser downloads the files, export/download.ts.)
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

/** Where Electron's folder dialog starts: `MAMBA_LENS_EXPORT_DIR`, else `<base>/exports`. */
export function defaultExportDir(base: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const explicit = env.MAMBA_LENS_EXPORT_DIR
  return explicit !== undefined && explicit.trim() !== '' ? resolve(explicit) : join(base, 'exports')
}

/**
 * The site secret for hashed linkage IDs: `MAMBA_LENS_LINKAGE_SALT` (set the same value on every machine of a
 * site so one patient gets one ID), else a random salt made once and kept in `<stateDir>/linkage-salt`, so IDs
 * stay stable on this machine. Never logged.
 */
export async function linkageSalt(stateDir: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  const explicit = env.MAMBA_LENS_LINKAGE_SALT
  if (explicit !== undefined && explicit.length >= 8) return explicit
  const file = join(stateDir, 'linkage-salt')
  try {
    const kept = (await readFile(file, 'utf8')).trim()
    if (kept.length >= 8) return kept
  } catch (e) {
    // Only "no salt yet" (the first opt-in on this machine) continues, to make one below; anything else is real.
    if ((e as { code?: unknown }).code !== 'ENOENT') throw e
  }
  const salt = randomBytes(32).toString('hex')
  await mkdir(stateDir, { recursive: true })
  await writeFile(file, `${salt}\n`, { mode: 0o600 })
  return salt
}
