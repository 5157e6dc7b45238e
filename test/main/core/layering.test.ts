// @vitest-environment node
/**
 * Design decision (STYLE §1.3, §2.8): `main/core` is pure TS over typed arrays. No file under it may
 * import Node built-ins, Electron, onnxruntime, sharp, React, or the adapters/app layers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CORE = fileURLToPath(new URL('../../../main/core', import.meta.url))
const FORBIDDEN = [
  /^node:/, /^(fs|path|os|url|zlib|worker_threads|child_process|crypto|buffer|stream)(\/|$)/,
  /^electron/, /^onnxruntime/, /^sharp$/, /^react(-dom|-konva)?($|\/)/, /adapters(\/|$)/, /(^|\/)app(\/|$)/,
  /\.\.\/\.\.\/(worker|engine|cli)(\/|$)/,
]

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : []
  })
}

describe('main/core layering', () => {
  const all = files(CORE)

  it('finds the core sources', () => {
    expect(all.length).toBeGreaterThan(10)
  })

  it('imports nothing forbidden', () => {
    const offences: string[] = []
    for (const file of all) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? ''
        if (FORBIDDEN.some((re) => re.test(spec))) offences.push(`${relative(CORE, file)} → ${spec}`)
      }
    }
    expect(offences).toEqual([])
  })

  it('core code never calls console (STYLE §2.6)', () => {
    const offenders = all.filter((f) => /\bconsole\.(log|warn|error|info|debug)\(/.test(readFileSync(f, 'utf8')))
    expect(offenders.map((f) => relative(CORE, f))).toEqual([])
  })
})
