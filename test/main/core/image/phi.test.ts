// @vitest-environment node
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { PhiRecord } from '../../../../main/core/image/phi'

describe('PhiRecord', () => {
  const phi = new PhiRecord({ PatientName: 'Doe^Jane', PatientID: 'MRN123' })

  it('reveals values only through reveal()', () => {
    expect(phi.reveal().PatientName).toBe('Doe^Jane')
    expect(phi.count).toBe(2)
  })

  it('is redacted in JSON, string conversion and util.inspect (console.log, loggers)', () => {
    for (const text of [JSON.stringify({ phi }), `${phi}`, String(phi), inspect({ phi }, { depth: 5 })]) {
      expect(text).not.toContain('Doe')
      expect(text).not.toContain('MRN123')
    }
  })

  it('is not changed by mutating the object it was built from', () => {
    const src: { PatientName?: string } = { PatientName: 'A' }
    const rec = new PhiRecord(src)
    src.PatientName = 'B'
    expect(rec.reveal().PatientName).toBe('A')
  })
})
