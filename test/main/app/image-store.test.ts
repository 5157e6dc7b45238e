// @vitest-environment node
/**
 * The image store with the real loaders: what goes to the model is explicit and keyed (displayed window by
 * default, full range on request), pixel readouts are in modality units, identifying attributes come only
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
  it('a CT: HU readout, spacing, and the displayed window as model input, keyed by what the model sees', async () => {
    const ct = signedCtRescale()
    const images = store()
    const info = await images.load('ct.dcm', ct.bytes)
    expect(info).toMatchObject({ kind: 'dicom', unit: 'HU', isGray: true, pixelSpacingMm: { row: 0.7, column: 0.7 }, phiCount: 7, orientation: null })
    expect(info.valueRange?.min).toBe(Math.min(...ct.modalityValues))
    expect(info.modelInput).toMatchObject({ source: 'display', mapping: { windowCenter: 40, windowWidth: 400, bits: 8, channels: 3, grayReplicated: true } })
    const input = images.explainInput(info.imageId)
    expect(input.engineImage.rgb).toBe(input.display.data)
    expect(input.inputKey).toBe(info.modelInput.key)
    expect(images.pixelValue(info.imageId, 5.7, 3.2)).toEqual({ x: 5, y: 3, kind: 'gray', value: ct.modalityValues[3 * ct.columns + 5], unit: 'HU' })
    expect(images.pixelValue(info.imageId, -1, 0)).toBeNull()

    const lung = await images.render({ imageId: info.imageId, presetId: 'ct-lung' })
    expect(lung.modelInput.key).not.toBe(info.modelInput.key)
    expect(lung.modelInput.mapping).toMatchObject({ presetId: 'ct-lung', windowCenter: -600, windowWidth: 1500 })
    expect(images.explainInput(info.imageId).engineImage.rgb).not.toEqual(input.engineImage.rgb)
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
    expect(inverted.modelInput.key).not.toBe(full.modelInput.key)
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
