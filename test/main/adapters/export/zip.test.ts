// @vitest-environment node
/** The stored ZIP of browser-mode downloads, read back by Python's zipfile and Info-ZIP's unzip (independent readers). */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { zipStored } from '../../../../main/adapters/export/zip'
import { bundleStem } from '../../../../main/app/export/download'
import { hasTool, run, zipEntries } from './readers'

const ENTRIES = [
  { name: 'ml-0123456789ab-lrp-class1-malignant.png', bytes: new Uint8Array(randomBytes(70_001)) },
  { name: 'ml-0123456789ab-lrp-class1-malignant.svg', bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>') },
  { name: 'empty.provenance.json', bytes: new Uint8Array(0) },
]
const WHEN = new Date('2026-12-07T05:30:42Z')

describe('zipStored', () => {
  it.skipIf(!hasTool('python3'))('zipfile checks every CRC and reads each file back byte for byte, in order', () => {
    const entries = zipEntries(zipStored(ENTRIES, WHEN))
    expect([...entries.keys()]).toEqual(ENTRIES.map((e) => e.name))
    for (const e of ENTRIES) expect(Buffer.compare(entries.get(e.name)!, Buffer.from(e.bytes))).toBe(0)
  })

  it.skipIf(!hasTool('unzip'))('Info-ZIP\'s unzip tests the archive without a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-zip-'))
    try {
      writeFileSync(join(dir, 'a.zip'), zipStored(ENTRIES, WHEN))
      expect(run('unzip', ['-t', join(dir, 'a.zip')])).toMatch(/No errors detected/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(!hasTool('python3'))('Python\'s zipfile agrees: stored entries, sizes, the UTC time, no damaged member', () => {
    const script = [
      'import sys, zipfile, io, json',
      'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
      'print(json.dumps({"bad": z.testzip(), "items": [[i.filename, i.compress_type, i.file_size, list(i.date_time)] for i in z.infolist()]}))',
    ].join('\n')
    const r = spawnSync('python3', ['-c', script], { input: zipStored(ENTRIES, WHEN), encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      bad: null,
      // DOS time has 2-second steps: 42 s is stored as 42.
      items: ENTRIES.map((e) => [e.name, 0, e.bytes.length, [2026, 12, 7, 5, 30, 42]]),
    })
  })
})

describe('bundleStem', () => {
  it('one figure keeps its stem; one figure per class shares the start and lists each class', () => {
    expect(bundleStem(['ml-0123456789ab-lrp-class1-malignant'])).toBe('ml-0123456789ab-lrp-class1-malignant')
    expect(bundleStem(['ml-0123456789ab-lrp-class1-malignant', 'ml-0123456789ab-lrp-class0-benign'])).toBe('ml-0123456789ab-lrp-class1-malignant+class0-benign')
    expect(bundleStem(['ml-0123456789ab-a-class3', 'ml-0123456789ab-b-class4'])).toBe('ml-0123456789ab-a-class3+b-class4')
  })
})
