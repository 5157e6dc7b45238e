// @vitest-environment node
/**
 * The image store with the real loaders: what goes to the model is explicit and keyed (fixed by the model
 * card, never by the display; full range or the shown window only on the reader's request), pixel readouts are in modality units, identifying attributes come only
 * from their own call, and NIfTI slices can be cut along any axis.
 */
import { describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../main/adapters/image-io/registry'
import { ImageStore } from '../../../main/app/image-store'
import { renderDisplay } from '../../../main/core/image/display'
import { signedCtRescale } from '../../fixtures/dicom-gen/cases'
import { FAKE_PATIENT } from '../../fixtures/dicom-gen/make-dicom'
import { makeNifti } from '../../fixtures/nifti-gen/make-nifti'

const store = (): ImageStore => new ImageStore({ load: (bytes, opts) => loadImageFile(bytes, opts), render: renderDisplay })

describe('ImageStore', () => {
  it('a CT: HU readout, spacing, and the file\'s own window as model input, whatever the display shows', async () => {
    const ct = signedCtRescale()
    const images = store()
    const info = await images.load('ct.dcm', ct.bytes)
    expect(info).toMatchObject({ kind: 'dicom', unit: 'HU', isGray: true, pixelSpacingMm: { row: 0.7, column: 0.7 }, phiCount: 7, orientation: null })
    expect(info.valueRange?.min).toBe(Math.min(...ct.modalityValues))
    expect(info.modelInput).toMatchObject({
      source: 'model-card', mapping: { source: 'file', chosenBy: 'model-card', windowCenter: 40, windowWidth: 400, bits: 8, channels: 3, grayReplicated: true },
    })
    const input = images.explainInput(info.imageId)
    expect(input.engineImage.rgb).toEqual(input.display.data)
    expect(input.inputKey).toBe(info.modelInput.key)
    expect(images.pixelValue(info.imageId, 5.7, 3.2)).toEqual({ x: 5, y: 3, kind: 'gray', value: ct.modalityValues[3 * ct.columns + 5], unit: 'HU' })
    expect(images.pixelValue(info.imageId, -1, 0)).toBeNull()

    // Presets, custom windows and invert are reading choices: the display changes, the model input does not.
    for (const req of [{ presetId: 'ct-lung' }, { window: { center: 300, width: 200 } }, { invert: true }]) {
      const shown = await images.render({ imageId: info.imageId, ...req })
      expect(shown.modelInput.key).toBe(info.modelInput.key)
      expect(shown.display.data).not.toEqual(info.display.data)
      expect(images.explainInput(info.imageId).engineImage.rgb).toEqual(input.engineImage.rgb)
    }
  })

  it('the model card may ask for the full range instead of the file\'s window', async () => {
    const images = new ImageStore({ load: (bytes, opts) => loadImageFile(bytes, opts), render: renderDisplay }, { scanInputPolicy: () => 'full-range' })
    const info = await images.load('ct.dcm', signedCtRescale().bytes)
    expect(info.modelInput).toMatchObject({ source: 'model-card', mapping: { source: 'full-range', chosenBy: 'model-card' } })
  })

  it('the reader asks for the shown window: a snapshot, recorded as the reader\'s choice', async () => {
    const images = store()
    const info = await images.load('ct.dcm', signedCtRescale().bytes)
    await images.render({ imageId: info.imageId, presetId: 'ct-lung' })
    const asked = await images.render({ imageId: info.imageId, modelInput: 'reader-window' })
    expect(asked.modelInput.mapping).toMatchObject({ source: 'window', chosenBy: 'reader', windowCenter: -600, windowWidth: 1500 })
    expect(asked.modelInput.key).not.toBe(info.modelInput.key)
    expect(images.explainInput(info.imageId).engineImage.rgb).toEqual(asked.display.data)
    // Later window changes stay on screen until the reader asks again.
    const later = await images.render({ imageId: info.imageId, presetId: 'ct-bone' })
    expect(later.modelInput.key).toBe(asked.modelInput.key)
    const back = await images.render({ imageId: info.imageId, modelInput: 'model-card' })
    expect(back.modelInput.key).toBe(info.modelInput.key)
  })

  it('full-range input: independent of the window (same key, same pixels), so a window change needs no new run', async () => {
    const images = store()
    const info = await images.load('ct.dcm', signedCtRescale().bytes)
    const full = await images.render({ imageId: info.imageId, modelInput: 'full-range' })
    expect(full.modelInput.source).toBe('full-range')
    const a = images.explainInput(info.imageId)
    expect(a.engineImage.rgb).not.toEqual(a.display.data)
    const windowed = await images.render({ imageId: info.imageId, window: { center: 300, width: 200 } })
    expect(windowed.presetId).toBe('')
    expect(windowed.modelInput.key).toBe(full.modelInput.key)
    expect(images.explainInput(info.imageId).engineImage.rgb).toEqual(a.engineImage.rgb)
    // The export draws over the current display while the model input is unchanged.
    expect(images.displayFor(info.imageId, a.inputKey)?.data).toEqual(windowed.display.data)
    const inverted = await images.render({ imageId: info.imageId, invert: true })
    expect(inverted.modelInput.key).toBe(full.modelInput.key)
    const back = await images.render({ imageId: info.imageId, modelInput: 'model-card' })
    expect(back.modelInput.key).not.toBe(full.modelInput.key)
    expect(images.displayFor(info.imageId, a.inputKey)).toBeUndefined()
  })

  it('identifying attributes only through patientDetails; never in the info the page gets', async () => {
    const images = store()
    const info = await images.load('ct.dcm', signedCtRescale().bytes)
    const text = JSON.stringify({ ...info, display: null })
    for (const v of Object.values(FAKE_PATIENT)) expect(text).not.toContain(v)
    const details = images.patientDetails(info.imageId)
    expect(details.fields).toContainEqual({ keyword: 'PatientName', value: FAKE_PATIENT.PatientName })
    expect(() => images.patientDetails('nope')).toThrow(expect.objectContaining({ code: 'image/not-loaded' }))
  })

  it('NIfTI: slice axis and index pickers, orientation, spacing per axis', async () => {
    const images = store()
    const info = await images.load('vol.nii', makeNifti([12, 10, 7]))
    expect(info.slice).toEqual({ axis: 2, index: 3, count: 7, dims: [12, 10, 7] })
    expect(info.orientation).toMatchObject({ axcodes: 'RAS', edges: { left: 'L', top: 'A' } })
    const sagittal = await images.render({ imageId: info.imageId, sliceAxis: 0 })
    expect(sagittal.slice).toEqual({ axis: 0, index: 5, count: 12, dims: [12, 10, 7] })
    expect([sagittal.width, sagittal.height]).toEqual([10, 7])
    expect(sagittal.pixelSpacingMm).toMatchObject({ column: 0.75, row: 2 })
    expect(sagittal.modelInput.mapping).toMatchObject({ sliceAxis: 0, sliceIndex: 5 })
    const next = await images.render({ imageId: info.imageId, slice: 8 })
    expect(next.slice?.index).toBe(8)
    // Voxel (i=8, j, k) = 8 + 10 j + 100 k; the pixel readout shows the stored value.
    expect(images.pixelValue(info.imageId, 0, 0)).toMatchObject({ kind: 'gray' })
    expect(next.modelInput.key).not.toBe(sagittal.modelInput.key)
  })
})
