/** A small hand-made LoadedScan for the pure display / model-input tests (no loader involved). */
import { PhiRecord } from '../../../../main/core/image/phi'
import { buildPresets } from '../../../../main/core/image/presets'
import type { LoadedScan } from '../../../../main/core/image/scan-types'

export function greyScan(values: number[], width: number, over: Partial<LoadedScan> = {}): LoadedScan {
  const v = Float32Array.from(values)
  const min = Math.min(...values)
  const max = Math.max(...values)
  const presets = buildPresets({ modality: 'CT', fileWindows: [{ window: { center: 40, width: 400 }, explanation: 'SOFT' }], voiLuts: [], range: { min, max }, robust: { low: min, high: max }, isHounsfield: true })
  return {
    kind: 'dicom', width, height: values.length / width, frame: { index: 0, count: 1 },
    pixels: { kind: 'gray', values: v, min, max }, modality: 'CT', photometric: 'MONOCHROME2', unit: 'HU',
    ...presets, voiFunction: 'LINEAR', voiLuts: [], isInvertedByPhotometric: false,
    pixelSpacingMm: { row: 0.5, column: 0.25, source: 'PixelSpacing' }, meta: { modality: 'CT' },
    phi: new PhiRecord({ PatientName: 'Doe^Jane' }), ...over,
  }
}
