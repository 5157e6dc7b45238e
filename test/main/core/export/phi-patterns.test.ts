/** Identifiers by their shape in captions and file names (issue 15's caption, and plain clinical captions that must pass). */
import { describe, expect, it } from 'vitest'
import { findPhiPatterns } from '../../../../main/core/export/phi-patterns'

describe('findPhiPatterns', () => {
  it('the issue\'s caption carries all three kinds', () => {
    expect(findPhiPatterns('Patient Maria Silva, DOB 1970-01-01, MRN 12345')).toEqual(['date', 'record-number', 'person-name'])
  })

  it.each([
    ['01/02/1970', 'date'], ['1.2.70 follow-up', 'date'], ['scan_19700101', 'date'], ['3 Mar 2024', 'date'], ['March 3, 2024', 'date'],
    ['date of birth unknown', 'date'], ['Patient ID: AB-1234', 'record-number'], ['Accession #998877', 'record-number'],
    ['NHS no 943 476 5919', 'record-number'], ['case 8812345 left', 'record-number'], ['Mrs Okafor', 'person-name'],
    ['Name: Silva', 'person-name'], ['SILVA^MARIA', 'person-name'], ['Dr. House reviewed', 'person-name'],
  ])('%s → %s', (text, kind) => {
    expect(findPhiPatterns(text)).toContain(kind)
  })

  it.each([
    'Benign lesion, left breast, 12 mm', 'Mamba-Attribution, layers 12–23, p = 0.84', 'patient with a 2.5 cm mass',
    'Window C 40, W 400; 0.7 mm pixels', 'Fig. 3b: class malignant', 'v0.1.0 224×224 input', 'ml-3fa9c2e01b7d-mamba-rollout',
  ])('passes: %s', (text) => {
    expect(findPhiPatterns(text)).toEqual([])
  })
})
