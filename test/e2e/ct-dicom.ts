/** The e2e CT: made here with dcmjs (made-up patient attributes), shared by the scan and export specs. */
import { SOP, makeDicom, phantom } from '../fixtures/dicom-gen/make-dicom'

/** Signed 16-bit CT, intercept −1024 (HU −2024…976), soft-tissue and lung windows in the file, 0.7 mm pixels. */
export function ctDicom(): Buffer {
  const rows = 160
  const columns = 192
  const base = phantom(rows, columns, -1000, 2000)
  // A second, smaller structure off centre so the model has something beside the disc.
  const stored = base.map((v, i) => ((i % columns) - 40) ** 2 + (Math.floor(i / columns) - 120) ** 2 < 400 ? 1200 : v)
  return Buffer.from(makeDicom({
    sopClassUid: SOP.ct, rows, columns, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, photometric: 'MONOCHROME2',
    pixels: Int16Array.from(stored),
    attributes: { Modality: 'CT', RescaleIntercept: -1024, RescaleSlope: 1, RescaleType: 'HU', WindowCenter: [40, -600], WindowWidth: [400, 1500], PixelSpacing: [0.7, 0.7] },
  }))
}
