// @vitest-environment node
/**
 * Burned In Annotation (0028,0301) is on the PHI-free allow-list: the loader reports it (meta and
 * `burnedInAnnotation`), and an export built from the loaded scan respects it (refused unless confirmed).
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exportFigure } from '../../../../main/adapters/export'
import { loadImageFile } from '../../../../main/adapters/image-io/registry'
import { request } from '../../core/export/fixture'
import { SOP, makeDicom, phantom } from '../../../fixtures/dicom-gen/make-dicom'
import { scratch } from '../export/readers'

function ultrasound(burnedIn?: string): Uint8Array {
  return makeDicom({
    sopClassUid: SOP.sc, rows: 16, columns: 20, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, photometric: 'MONOCHROME2',
    pixels: Uint8Array.from(phantom(16, 20, 0, 255)), attributes: { Modality: 'US', ...(burnedIn !== undefined ? { BurnedInAnnotation: burnedIn } : {}) },
  })
}

describe('BurnedInAnnotation', () => {
  it('is read into the allow-listed meta and the scan, normalised to YES / NO', async () => {
    const yes = await loadImageFile(ultrasound('YES'))
    expect(yes.meta.BurnedInAnnotation).toBe('YES')
    expect(yes.burnedInAnnotation).toBe('YES')
    expect((await loadImageFile(ultrasound('NO'))).burnedInAnnotation).toBe('NO')
    const absent = await loadImageFile(ultrasound())
    expect(absent.burnedInAnnotation).toBeUndefined()
    expect('BurnedInAnnotation' in absent.meta).toBe(false)
    // A value that is neither YES nor NO is kept in meta as written but not interpreted.
    expect((await loadImageFile(ultrasound('MAYBE'))).burnedInAnnotation).toBeUndefined()
  })

  it('an export from a scan marked YES is refused unless the user confirms; nothing is written', async () => {
    const scan = await loadImageFile(ultrasound('YES'))
    const tmp = scratch('burned')
    try {
      // Only what the loader produced goes in: the exporter must find the flag in the scan's own meta.
      const req = request(300, 240, { source: { kind: scan.kind, fileSha256: 'c'.repeat(64), phi: scan.phi, meta: scan.meta } })
      await expect(exportFigure(req, { outDir: tmp.dir, formats: ['png'], scales: [1] })).rejects.toMatchObject({ code: 'export/burned-in-annotation' })
      expect(readdirSync(tmp.dir)).toEqual([])
      const ok = await exportFigure(req, { outDir: tmp.dir, formats: ['png'], scales: [1], acceptBurnedInAnnotation: true })
      expect(ok.files).toHaveLength(1)
      const unmarked = await loadImageFile(ultrasound('NO'))
      const plain = await exportFigure(request(300, 240, { source: { kind: 'dicom', fileSha256: 'd'.repeat(64), meta: unmarked.meta } }), { outDir: tmp.dir, formats: ['svg'] })
      expect(plain.warnings).toEqual([])
    } finally {
      tmp.cleanup()
    }
  })
})
