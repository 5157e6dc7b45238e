// @vitest-environment node
/**
 * Design-decision test (STYLE.md §1.3, §2.8): resolves every relative import and checks the layering
 * that lint also enforces — main/core is pure, only main/app touches Electron, the renderer never
 * reaches Node or main except pure modules through @core.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const repo = resolve(__dirname, '../..')

function files(dir: string): string[] {
  const abs = join(repo, dir)
  if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory()) return []
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
}

function imports(file: string): string[] {
  const src = readFileSync(join(repo, file), 'utf8')
  return [...src.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
}

function target(file: string, spec: string): string {
  if (spec.startsWith('@core/')) return join('main/core', spec.slice(6))
  return spec.startsWith('.') ? relative(repo, resolve(repo, dirname(file), spec)) : spec
}

describe('layering', () => {
  it('main/core imports nothing outside main/core (no Node, Electron, ORT, sharp)', () => {
    const bad = files('main/core').flatMap((f) =>
      imports(f).map((s) => [f, target(f, s)] as const).filter(([, t]) => !t.startsWith('main/core')))
    expect(bad).toEqual([])
  })

  it('only main/app and main/index.ts import electron', () => {
    const bad = [...files('main'), ...files('renderer')]
      .filter((f) => !f.startsWith('main/app/') && f !== 'main/index.ts')
      .filter((f) => imports(f).some((s) => s === 'electron' || s.startsWith('electron/')))
    expect(bad).toEqual([])
  })

  it('the renderer never imports Node, Electron or main/** except @core', () => {
    const bad = files('renderer').flatMap((f) => imports(f).filter((s) =>
      s.startsWith('node:') || s === 'electron' || s === 'onnxruntime-node' || s === 'sharp' ||
      (target(f, s).startsWith('main/') && !target(f, s).startsWith('main/core/'))).map((s) => `${f}: ${s}`))
    expect(bad).toEqual([])
  })
})
