/**
 * Peak memory per accepted input (issue 16, build 3: no accepted input may exceed 1.5 GB peak RSS).
 * Generates the largest inputs each loader admits, plus the small files that inflate or decode to far more
 * (zip bombs, 100-megapixel rasters), and explains each with the CLI in a process of its own, as a user
 * would: `mamba-lens explain <file> --json`, peak RSS from GNU time (the whole process tree's largest).
 *
 * Usage: node --import tsx test/bench/input-memory.ts [--out docs/bench/input-memory.json] [--only name,…]
 * With --only, the named cases replace theirs in an existing --out file.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { writeLargeDicom } from '../fixtures/dicom-gen/large-dicom'
import { writeLargeNifti } from '../fixtures/nifti-gen/large-nifti'

const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } } })
const LIMIT_MB = 1500

interface Case { readonly name: string; readonly file: string; readonly make: (path: string) => Promise<unknown> }

const raster = (format: 'png' | 'jpeg' | 'tiff', width: number, height: number) => async (path: string): Promise<void> => {
  // Smooth noise-free content: tiny files that still decode to width × height × 3 bytes.
  await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } })[format]().toFile(path)
}

const CASES: readonly Case[] = [
  { name: 'png-100mp', file: 'big.png', make: raster('png', 10_000, 10_000) },
  { name: 'jpeg-100mp', file: 'big.jpg', make: raster('jpeg', 10_000, 10_000) },
  { name: 'tiff-100mp', file: 'big.tif', make: raster('tiff', 10_000, 10_000) },
  { name: 'png-over-limit', file: 'over.png', make: raster('png', 10_001, 10_000) },
  { name: 'dicom-16bit-100mp', file: 'big16.dcm', make: (p) => writeLargeDicom(p, { rows: 10_000, columns: 10_000, frames: 1, bitsAllocated: 16 }) },
  { name: 'dicom-multiframe-512mb', file: 'frames.dcm', make: (p) => writeLargeDicom(p, { rows: 512, columns: 512, frames: 1000, bitsAllocated: 16 }) },
  { name: 'dicom-deflated-1gb', file: 'deflated.dcm', make: (p) => writeLargeDicom(p, { rows: 10_000, columns: 10_000, frames: 10, bitsAllocated: 8, deflated: true }) },
  { name: 'dicom-16bit-50mp', file: 'frame16.dcm', make: (p) => writeLargeDicom(p, { rows: 7071, columns: 7071, frames: 1, bitsAllocated: 16 }) },
  { name: 'dicom-deflated-98mb', file: 'deflated98.dcm', make: (p) => writeLargeDicom(p, { rows: 7000, columns: 7000, frames: 2, bitsAllocated: 8, deflated: true }) },
  { name: 'dicom-deflated-100mp', file: 'deflated1.dcm', make: (p) => writeLargeDicom(p, { rows: 10_000, columns: 10_000, frames: 1, bitsAllocated: 8, deflated: true }) },
  { name: 'nifti-512mb', file: 'big.nii', make: (p) => writeLargeNifti(p, [512, 512, 1000]) },
  { name: 'nifti-1gb', file: 'huge.nii', make: (p) => writeLargeNifti(p, [1024, 1024, 512]) },
  { name: 'nifti-gz-300mb', file: 'big.nii.gz', make: (p) => writeLargeNifti(p, [512, 512, 600], true) },
  { name: 'nifti-gz-1.5gb', file: 'bomb.nii.gz', make: (p) => writeLargeNifti(p, [1024, 1024, 768], true) },
]

const only = values.only?.split(',')
const dir = mkdtempSync(join(os.tmpdir(), 'mamba-input-memory-'))
const results: Record<string, unknown>[] = []
try {
  for (const c of CASES.filter((k) => only === undefined || only.includes(k.name))) {
    const path = join(dir, c.file)
    await c.make(path)
    const t = performance.now()
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, 'bin/mamba-lens.mjs', 'explain', path, '--out', join(dir, 'out'), '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 })
    const seconds = Math.round((performance.now() - t) / 100) / 10
    const peakMb = Math.round(Number(r.stderr.trim().split('\n').pop()) / 1024)
    let outcome = 'unknown'
    try {
      const summary = JSON.parse(r.stdout) as { ok: boolean; code?: string }[]
      outcome = summary[0]?.ok === true ? 'explained' : `refused: ${summary[0]?.code ?? '?'}`
    } catch {
      outcome = `no JSON (exit ${r.status})`
    }
    const row = { name: c.name, fileMb: Math.round(statSync(path).size / 1e5) / 10, outcome, exit: r.status, peakRssMb: peakMb, seconds, withinLimit: peakMb <= LIMIT_MB }
    console.log(JSON.stringify(row))
    results.push(row)
    rmSync(path)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
if (only !== undefined && values.out !== undefined && existsSync(values.out)) {
  // Keep the other cases' rows from the earlier full run, in CASES order.
  const previous = (JSON.parse(readFileSync(values.out, 'utf8')) as { cases: Record<string, unknown>[] }).cases
  const byName = new Map<unknown, Record<string, unknown>>([...previous, ...results].map((r): [unknown, Record<string, unknown>] => [r['name'], r]))
  results.splice(0, results.length, ...CASES.map((c) => byName.get(c.name)).filter((r): r is Record<string, unknown> => r !== undefined))
}
const accepted = results.filter((r) => r['outcome'] === 'explained')
const report = {
  date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, limitMb: LIMIT_MB,
  worstAcceptedPeakMb: Math.max(0, ...accepted.map((r) => r['peakRssMb'] as number)),
  worstPeakMb: Math.max(0, ...results.map((r) => r['peakRssMb'] as number)), cases: results,
}
if (values.out !== undefined) writeFileSync(values.out, JSON.stringify(report, null, 2) + '\n')
console.log(JSON.stringify({ worstAcceptedPeakMb: report.worstAcceptedPeakMb, worstPeakMb: report.worstPeakMb }))
