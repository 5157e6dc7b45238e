// @vitest-environment node
/**
 * Every exported format of an OUT-OF-DOMAIN result carries the banner and the research-use line (issue 13):
 * the SVG's vector text, the PDF's text (poppler), the DICOM SC's DerivationDescription and ImageComments
 * (DCMTK) and the PNG's provenance; a side-by-side figure states its shared scale. Read back with independent
 * tools; skipped, with the reason, where a tool is missing.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportFigure, PNG_PROVENANCE_KEY } from '../../../../main/adapters/export/export-figure'
import { parseProvenance } from '../../../../main/core/export/provenance'
import type { ExportReport, FigureRequest } from '../../../../main/core/export/types'
import { request } from '../../core/export/fixture'
import { dcmdumpValues, hasTool, pngItxt, runUtf8, scratch } from '../export/readers'

const tmp = scratch('trust-figures')
let report: ExportReport
const BANNER = 'This image is unlike the breast ultrasound this model was trained on; its output means nothing here.'

function outOfDomain(): FigureRequest {
  const base = request(300, 240, {}, { methodIds: ['mamba-rollout', 'mamba-attribution'] })
  return {
    ...base,
    trainedOnName: 'breast ultrasound',
    result: {
      ...base.result,
      verdict: { label: 'malignant', classIndex: 1, probability: 0.848, threshold: 0.402, positiveClass: 1, positiveLabel: 'malignant', reliable: false },
      trust: {
        domain: { inDomain: false, score: 61.2, threshold: 21.7, scoreName: 'mahalanobis', pixels: null, secondOpinion: null, reasons: ['the file says its modality is CT; the model was trained on US'] },
        agreement: {}, evaluated: {},
      },
    },
  }
}

const file = (format: string): string => report.files.find((f) => f.format === format && (f.scale ?? 1) === 1)!.path

beforeAll(async () => {
  report = await exportFigure(outOfDomain(), { outDir: tmp.dir, formats: ['png', 'svg', 'pdf', 'dicom'], scales: [1] })
})
afterAll(() => tmp.cleanup())

describe('figures of an out-of-domain input', () => {
  it('the provenance records the flag, the unreliable verdict, each map\'s FAIL label and the research-use line', () => {
    const p = parseProvenance(pngItxt(new Uint8Array(readFileSync(file('png')))).get(PNG_PROVENANCE_KEY)!)
    expect(p.domain?.inDomain).toBe(false)
    expect(p.verdict).toMatchObject({ label: 'malignant', reliable: false, threshold: 0.402 })
    expect(p.methods.map((m) => m.trust?.label)).toEqual(['fail', 'fail'])
    expect(p.intendedUse).toBe('Research use only — not a medical device.')
    expect(p.normalisation.heatmap).toBe('shared min-max')
  })

  it('the SVG shows the banner, the verdict, the research-use line and the shared scale', () => {
    const svg = readFileSync(file('svg'), 'utf8').replace(/&#8212;/g, '—')
    const text = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ').replace(/\s+/g, ' ')
    expect(text).toContain(`OUT OF DOMAIN — ${BANNER}`)
    expect(text).toMatch(/Verdict: malignant \(p\(malignant\) = 0\.848 ≥ threshold 0\.402\) — UNRELIABLE/)
    expect(text).toContain('Research use only — not a medical device.')
    expect(text).toContain('All colour bars share one scale')
  })

  it.skipIf(!hasTool('pdftotext'))(`the PDF's text holds the banner${hasTool('pdftotext') ? '' : ' (skipped: pdftotext missing)'}`, () => {
    const text = runUtf8('pdftotext', [file('pdf'), '-']).replace(/\s+/g, ' ')
    expect(text).toContain('OUT OF DOMAIN')
    expect(text).toContain('Research use only')
    expect(text).toMatch(/Domain: OUT OF DOMAIN, mahalanobis 61\.2/)
  })

  it.skipIf(!hasTool('dcmdump'))(`the DICOM SC says so in DerivationDescription and ImageComments${hasTool('dcmdump') ? '' : ' (skipped: dcmdump missing)'}`, () => {
    const { text } = dcmdumpValues(file('dicom'))
    expect(text).toMatch(/OUT OF DOMAIN/)
    expect(text).toMatch(/Research use only/)
  })
})
