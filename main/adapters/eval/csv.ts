/**
 * The CSV files of labelled image folders (BUS-BRA's bus_data.csv and 5-fold-cv.csv, the generic labels
 * CSV): a minimal RFC-4180 reader, headers and cells trimmed.
 */
import { readFileSync } from 'node:fs'

/** Minimal RFC-4180 line split (quoted fields may hold commas). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++ } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { out.push(cur); cur = '' } else cur += ch
  }
  out.push(cur)
  return out
}

export function readCsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '')
  const head = splitCsvLine(lines[0] ?? '').map((h) => h.trim())
  return lines.slice(1).map((l) => {
    const cells = splitCsvLine(l)
    return Object.fromEntries(head.map((h, i) => [h, (cells[i] ?? '').trim()]))
  })
}
