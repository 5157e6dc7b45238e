// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { pixelValueAt, pixelsToMm, renderDisplay, resolveVoi } from '../../../../main/core/image/display'
import { modelInputFromScan } from '../../../../main/core/image/model-input'
import { greyScan } from './scan-fixture'

const HU = [-1000, -160, 40, 240, 1000, 3000]

describe('renderDisplay', () => {
  it('maps the default (file) window to 8 bits and replicates grey into three channels', () => {
    const img = renderDisplay(greyScan(HU, 3))
    expect(img.width).toBe(3)
    expect(img.height).toBe(2)
    expect(img.data.length).toBe(18)
    const grey = [...img.data].filter((_, i) => i % 3 === 0)
    expect(grey).toEqual([0, 0, 127, 255, 255, 255])
    for (let i = 0; i < 6; i++) expect(img.data[i * 3]).toBe(img.data[i * 3 + 2])
  })

  it('uses presets by id and an explicit window over both', () => {
    const scan = greyScan(HU, 3)
    const lung = renderDisplay(scan, { presetId: 'ct-lung' }).data
    expect(lung[0]).toBeLessThan(lung[3] as number)
    const explicit = resolveVoi(scan, { presetId: 'ct-lung', window: { center: 0, width: 10 } })
    expect(explicit).toMatchObject({ kind: 'window', window: { center: 0, width: 10 } })
    expect(resolveVoi(scan, { presetId: 'no-such-preset' })).toMatchObject({ presetId: 'file-window-0' })
  })

  it('shows MONOCHROME1 inverted by default and the user toggle inverts it back', () => {
    const mono1 = greyScan(HU, 3, { photometric: 'MONOCHROME1', isInvertedByPhotometric: true })
    const mono2 = greyScan(HU, 3)
    const a = renderDisplay(mono1).data
    const b = renderDisplay(mono2).data
    // Inversion happens before truncation (as DCMTK): floor(255 - y), so mid-levels may differ by one from 255 - floor(y).
    a.forEach((v, i) => expect(Math.abs(v + (b[i] as number) - 255)).toBeLessThanOrEqual(1))
    expect([a[0], a[15]]).toEqual([255, 0])
    expect(renderDisplay(mono1, { invert: true }).data).toEqual(b)
  })

  it('does not mutate the scan', () => {
    const scan = greyScan(HU, 3)
    const before = scan.pixels.kind === 'gray' ? scan.pixels.values.slice() : undefined
    renderDisplay(scan, { invert: true, presetId: 'ct-bone' })
    expect(scan.pixels.kind === 'gray' && scan.pixels.values).toEqual(before)
  })
})

describe('pixelValueAt', () => {
  it('reads modality units at floored coordinates and undefined outside', () => {
    const scan = greyScan(HU, 3)
    expect(pixelValueAt(scan, 1.9, 0.2)).toEqual({ x: 1, y: 0, kind: 'gray', value: -160, unit: 'HU' })
    expect(pixelValueAt(scan, 2, 1)).toMatchObject({ value: 3000 })
    expect(pixelValueAt(scan, -0.1, 0)).toBeUndefined()
    expect(pixelValueAt(scan, 3, 0)).toBeUndefined()
  })

  it('converts pixels to millimetres with the column spacing', () => {
    expect(pixelsToMm(greyScan(HU, 3), 100)).toBe(25)
  })
})

describe('modelInputFromScan', () => {
  it('\'file\' ignores the reader\'s window and invert (the model card\'s default); records how it was made', () => {
    const scan = greyScan(HU, 3)
    const input = modelInputFromScan(scan, { source: 'file', display: { window: { center: 0, width: 10 }, invert: true } })
    expect(input.image).toEqual(renderDisplay(scan))
    expect(input.mapping).toMatchObject({ source: 'file', chosenBy: 'model-card', voi: 'window', windowCenter: 40, windowWidth: 400, inverted: false, grayReplicated: true, channels: 3, bits: 8, pixelSpacingColumnMm: 0.25 })
  })

  it('full-range ignores the window; explicit window requires one', () => {
    const scan = greyScan(HU, 3)
    const full = modelInputFromScan(scan, { source: 'full-range' })
    expect(full.mapping).toMatchObject({ windowCenter: 1000, windowWidth: 4000 })
    expect(full.image.data[0]).toBe(0)
    expect(full.image.data[15]).toBe(255)
    expect(() => modelInputFromScan(scan, { source: 'window' })).toThrow(RangeError)
    expect(modelInputFromScan(scan, { source: 'window', display: { window: { center: 0, width: 100 } } }).mapping.windowWidth).toBe(100)
  })

  it('records the inversion the model saw for MONOCHROME1 and holds no PHI', () => {
    const scan = greyScan(HU, 3, { isInvertedByPhotometric: true, photometric: 'MONOCHROME1' })
    const input = modelInputFromScan(scan)
    expect(input.mapping.inverted).toBe(true)
    expect(JSON.stringify(input.mapping)).not.toContain('Doe')
  })
})
