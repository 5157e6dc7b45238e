// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../../main/core/errors'
import { buildFigureSpec, textsToCheck } from '../../../../main/core/export/figure'
import { assertNoPhi, defaultFileStem, findPhi, phiNeedles, sanitiseFileStem, scanText } from '../../../../main/core/export/privacy'
import { PhiRecord } from '../../../../main/core/image/phi'
import { FAKE_PHI, request } from './fixture'

const needles = phiNeedles(FAKE_PHI)

describe('file-name sanitiser', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\fig 1', 'fig-1'],
    ['Pékinois figure', 'Pekinois-figure'],
    ['.hidden', 'hidden'],
    ['con', 'figure-con'],
    ['NUL.txt', 'figure-NUL.txt'],
    ['', 'figure'],
    ['***', 'figure'],
    ['a'.repeat(200), 'a'.repeat(80)],
  ])('%s → %s', (input, want) => {
    expect(sanitiseFileStem(input)).toBe(want)
  })

  it('the default stem is the input hash and the methods, never the source name', () => {
    expect(defaultFileStem('0123456789abcdef', ['mamba-rollout'], { index: 1, label: 'malignant' })).toBe('ml-0123456789ab-mamba-rollout-class1-malignant')
    expect(defaultFileStem('f'.repeat(64), ['a', 'b', 'c', 'd', 'e'], { index: 453, label: 'class 453' })).toBe('ml-ffffffffffff-a_b_c_2more-class453')
    // A label with spaces and punctuation still makes a safe stem.
    expect(defaultFileStem('0'.repeat(64), ['x'], { index: 281, label: 'tabby, tabby cat' })).toBe('ml-000000000000-x-class281-tabby-tabby-cat')
  })
})

describe('PHI value scanner', () => {
  it('finds a person name whole or by component, in any case and with separators', () => {
    expect(scanText('Case of Alice Testperson', needles)).toEqual(['PatientName'])
    expect(scanText('TESTPERSON', needles)).toEqual(['PatientName'])
    expect(scanText('testperson^alice^q', needles)).toEqual(['PatientName'])
  })

  it('finds a letter-spaced, dotted or zero-width-split name, and still ignores single letters in normal text', () => {
    expect(scanText('Case of A l i c e   T e s t p e r s o n', needles)).toEqual(['PatientName'])
    expect(scanText('T.E.S.T.P.E.R.S.O.N., fig. 2', needles)).toEqual(['PatientName'])
    expect(scanText('t-e-s-t-p-e-r-s-o-n', needles)).toEqual(['PatientName'])
    expect(scanText('Test\u200bperson', needles)).toEqual(['PatientName'])
    expect(scanText('Te\u00adst\u00adper\u00adson', needles)).toEqual(['PatientName'])
    expect(scanText('panels a b c, 0.5 1 2 mm, x y', needles)).toEqual([])
    expect(scanText('scale 1 2 3 4 5', phiNeedles(new PhiRecord({ PatientID: '12345' })))).toEqual([])
  })

  it('matches whole tokens only: no hits inside longer words or hex hashes', () => {
    expect(scanText('Aliceville annotation', needles)).toEqual([])
    const phi = new PhiRecord({ PatientID: '12345' })
    expect(scanText('sha256 ab12345cd', phiNeedles(phi))).toEqual([])
    expect(scanText('patient 12345 scan', phiNeedles(phi))).toEqual(['PatientID'])
  })

  it('finds dates in DICOM, ISO and day/month spellings', () => {
    for (const t of ['born 19700101', 'born 1970-01-01', 'born 01.01.1970', 'on 2024/01/02', 'on 02.01.2024', 'on 01/02/2024']) {
      expect(scanText(t, needles).length).toBeGreaterThan(0)
    }
  })

  it('finds IDs, accession numbers and institutions; ignores one-letter values like sex', () => {
    expect(scanText('id mrn-000-test-42', needles)).toEqual(['PatientID'])
    expect(scanText('ACC TEST 9001', needles)).toEqual(['AccessionNumber'])
    expect(scanText('at example general hospital', needles)).toEqual(['InstitutionName'])
    expect(scanText('F', needles)).toEqual([])
  })

  it('no record, no needles', () => {
    expect(phiNeedles(undefined)).toEqual([])
    expect(phiNeedles(new PhiRecord({ StudyID: '1', PatientSex: 'M' }))).toEqual([])
  })

  it('refuses with keywords and places only, never the value', () => {
    try {
      assertNoPhi([{ where: 'caption', text: 'Alice Testperson, MRN-000-TEST-42' }], needles)
      expect.unreachable()
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('export/phi-detected')
      const detail = JSON.stringify((e as { detail?: unknown }).detail)
      expect(detail).toContain('PatientName')
      expect(detail).toContain('PatientID')
      expect(detail).not.toMatch(/Testperson|MRN-000/i)
    }
  })
})

describe('texts of a figure', () => {
  it('the generated texts are clean; a user caption or stem with a name is caught', () => {
    const clean = request()
    const spec = buildFigureSpec(clean, { createdAt: clean.createdAt!, linkageId: null })
    expect(findPhi(textsToCheck(spec, clean), needles)).toEqual([])

    const dirty = request(300, 240, { caption: 'Follow-up of Mrs Testperson', fileStem: 'MRN-000-TEST-42 figure' })
    const spec2 = buildFigureSpec(dirty, { createdAt: dirty.createdAt!, linkageId: null })
    const found = findPhi(textsToCheck(spec2, dirty), needles)
    expect(found).toContainEqual({ where: 'caption', keyword: 'PatientName' })
    expect(found).toContainEqual({ where: 'file-name', keyword: 'PatientID' })
  })

  it('a class label or model name equal to a patient value is caught too (the scan is by value)', () => {
    const req = request(300, 240, { model: { ...request().model, name: 'Example General Hospital net' } })
    const spec = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
    expect(findPhi(textsToCheck(spec, req), needles).map((f) => f.keyword)).toContain('InstitutionName')
  })
})
