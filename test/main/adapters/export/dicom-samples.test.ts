// @vitest-environment node
/**
 * Exports from the shared DICOM samples (real headers with patient attributes) and proves, with tools
 * that are not ours, that none of those attributes reaches any output: DCMTK reads the SC, poppler the
 * PDF, a PNG chunk walker the PNG text, plain string search the SVG, sidecar and file names. The search
 * here is a deliberately simple substring test, independent of the exporter's own token scanner.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { exportFigure } from '../../../../main/adapters/export/export-figure'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { BASIC_PROFILE, AUTHORED_TEXT } from '../../../../main/core/export/ps315'
import { renderDisplay } from '../../../../main/core/image/display'
import type { PhiRecord } from '../../../../main/core/image/phi'
import { request, result } from '../../core/export/fixture'
import { dcmdumpValues, hasTool, pngItxt, runUtf8, scratch } from './readers'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')
const DICOM_DIR = path.resolve(repoRoot, '../shared/data/dicom')
const SAMPLES = ['CT_small.dcm', 'MR_small.dcm', 'US1_UNCR.dcm', 'SC_rgb.dcm', 'OT-PAL-8-face.dcm', 'JPEG-LL.dcm', 'emri_small.dcm']
const TOOLS = ['dcmdump', 'pdftotext', 'pdfinfo', 'pdfdetach']
const missingTools = TOOLS.filter((t) => !hasTool(t))
const skipReason = !existsSync(DICOM_DIR)
  ? `shared DICOM samples not found at ${DICOM_DIR}; sample export tests skipped`
  : missingTools.length > 0 ? `${missingTools.join(', ')} not installed; sample export tests skipped` : ''

const tmp = scratch('samples')
afterAll(() => tmp.cleanup())

/** Strings to look for: each value, and each person-name component, of at least 4 letters/digits. */
function needles(phi: PhiRecord): { keyword: string; re: RegExp }[] {
  const out: { keyword: string; re: RegExp }[] = []
  for (const [keyword, value] of Object.entries(phi.reveal())) {
    for (const v of [value, ...(keyword.endsWith('Name') ? value.split('^') : [])]) {
      const t = v.trim()
      if (t.replace(/[^A-Za-z0-9]/g, '').length < 4) continue
      const esc = t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      // Digits-only values must not be glued to other digits (a date inside a longer number is not a leak).
      out.push({ keyword, re: /^\d+$/.test(t) ? new RegExp(`(?<!\\d)${esc}(?!\\d)`) : new RegExp(esc, 'i') })
    }
  }
  return out
}

function leaks(text: string, list: readonly { keyword: string; re: RegExp }[]): string[] {
  return list.filter((n) => n.re.test(text)).map((n) => n.keyword)
}

describe.skipIf(skipReason !== '')(`export from the shared DICOM samples${skipReason ? ` — ${skipReason}` : ''}`, () => {
  it.each(SAMPLES)('%s: no identifying attribute in any output', async (name) => {
    const bytes = new Uint8Array(readFileSync(path.join(DICOM_DIR, name)))
    const scan = await loadImageFile(bytes, { name })
    expect(scan.phi.count).toBeGreaterThan(0)
    const image = renderDisplay(scan)
    const sha = createHash('sha256').update(bytes).digest('hex')
    const base = request(image.width, image.height)
    const dir = path.join(tmp.dir, name.replace(/\W/g, '_'))
    const report = await exportFigure({
      ...base, result: result(image.width, image.height), image,
      source: { kind: 'dicom', fileSha256: sha, phi: scan.phi, meta: scan.meta },
    // Text found on the pixels (US1_UNCR carries the site name and IDs burned in) is masked: the user's choice.
    }, { outDir: dir, formats: ['png', 'svg', 'pdf', 'dicom'], sidecar: true, burnedInText: 'mask' })
    if (name === 'US1_UNCR.dcm') expect(report.warnings.join(' ')).toMatch(/line\(s\) of burned-in text were masked/)
    const list = needles(scan.phi)
    // Control: the detector does find the values in the source header, so "no leak" below means something.
    expect(leaks(dcmdumpValues(path.join(DICOM_DIR, name)).text, list).length).toBeGreaterThan(0)
    const file = (f: string) => report.files.find((x) => x.format === f)!.path

    // File names: hash-based, never the source name or a patient value.
    for (const n of readdirSync(dir)) {
      expect(n.startsWith(`ml-${sha.slice(0, 12)}`)).toBe(true)
      expect(leaks(n, list)).toEqual([])
    }
    // PNG text chunks (pixels are compressed; text is what could carry a value).
    for (const f of report.files.filter((x) => x.format === 'png')) {
      expect(leaks([...pngItxt(new Uint8Array(readFileSync(f.path))).values()].join('\n'), list)).toEqual([])
    }
    // SVG without its base64 images.
    expect(leaks(readFileSync(file('svg'), 'utf8').replace(/base64,[A-Za-z0-9+/=]+/g, ''), list)).toEqual([])
    // PDF: visible text, Info (standard + custom), attachment.
    expect(leaks(runUtf8('pdftotext', [file('pdf'), '-']), list)).toEqual([])
    expect(leaks(runUtf8('pdfinfo', ['-custom', file('pdf')]), list)).toEqual([])
    expect(leaks(readFileSync(file('json'), 'utf8'), list)).toEqual([])

    // The SC as DCMTK reads it: no value anywhere, basic-profile attributes empty or newly generated.
    const { map, text } = dcmdumpValues(file('dicom'))
    expect(leaks(text.replace(/^\(7fe0,0010\).*$/m, ''), list)).toEqual([])
    const sourceUids = [scan.phi.reveal().StudyInstanceUID, scan.phi.reveal().SeriesInstanceUID, scan.phi.reveal().SOPInstanceUID]
    for (const e of BASIC_PROFILE) {
      const v = map.get(`${e.tag.slice(0, 4).toLowerCase()},${e.tag.slice(4).toLowerCase()}`)
      if (v === undefined || v.startsWith('(no value') || AUTHORED_TEXT.has(e.keyword)) continue
      expect(e.action, `${e.keyword} has a value`).toBe('U')
      expect(v).toMatch(/^2\.25\.\d+\.\d$/)
      expect(sourceUids).not.toContain(v)
    }
    for (const tag of ['0010,0010', '0010,0020', '0010,0030', '0010,0040', '0008,0020', '0008,0050', '0020,0010']) {
      expect(map.get(tag), tag).toMatch(/^\(no value available\)$/)
    }
    expect(map.get('0028,0301')).toBe('YES')
    expect(map.get('0012,0062')).toBe('YES')
  })
})
