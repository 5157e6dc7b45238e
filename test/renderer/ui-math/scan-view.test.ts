import { describe, expect, it } from 'vitest'
import { describeMapping, dragWindow, formatPixel, planeName, scaleBar } from '@core/ui/scan-view'

describe('scan view maths', () => {
  it('right-drag: right widens, down raises the level, scaled to the value range; width never collapses', () => {
    const ct = { min: -1024, max: 3071 }
    expect(dragWindow({ center: 40, width: 400 }, 60, 0, ct)).toEqual({ center: 40, width: 810 })
    expect(dragWindow({ center: 40, width: 400 }, 0, -30, ct)).toEqual({ center: -165, width: 400 })
    expect(dragWindow({ center: 40, width: 400 }, -1000, 0, ct).width).toBeGreaterThan(0)
    const small = dragWindow({ center: 0.5, width: 1 }, 6, 0, { min: 0, max: 1 })
    expect(small.width).toBeCloseTo(1.01, 5)
    // No range (colour or unknown): the window's own width sets the pace.
    expect(dragWindow({ center: 100, width: 60 }, 600, 0, null).width).toBe(300)
  })

  it('scale bar: the longest 1-2-5 length that fits, in mm or cm; none when it cannot be drawn', () => {
    expect(scaleBar(0.7 / 2)).toEqual({ mm: 20, px: 20 / 0.35, label: '20 mm' })
    expect(scaleBar(1)).toMatchObject({ mm: 100, label: '10 cm', px: 100 })
    expect(scaleBar(0.01)).toMatchObject({ mm: 1, label: '1 mm' })
    expect(scaleBar(0.002)).toMatchObject({ mm: 0.2, label: '0.2 mm' })
    expect(scaleBar(0)).toBeNull()
    expect(scaleBar(Number.NaN)).toBeNull()
    for (const k of [0.013, 0.07, 0.33, 1.9, 12]) {
      const bar = scaleBar(k)!
      expect(bar.px).toBeLessThanOrEqual(140)
      expect(bar.px).toBeGreaterThan(140 / 2.5 - 1e-9)
    }
  })

  it('pixel readout in modality units, RGB for colour', () => {
    expect(formatPixel({ x: 3, y: 4, kind: 'gray', value: -523, unit: 'HU' })).toBe('(3, 4): −523 HU')
    expect(formatPixel({ x: 0, y: 0, kind: 'gray', value: 0.12345, unit: '' })).toBe('(0, 0): 0.1235')
    expect(formatPixel({ x: 1, y: 2, kind: 'rgb', rgb: [1, 2, 3] })).toBe('(1, 2): RGB 1, 2, 3')
  })

  it('the model-input record in words', () => {
    const card = ' Set by the model card; display window, presets and invert do not change it.'
    expect(describeMapping({ source: 'file', chosenBy: 'model-card', voi: 'window', windowCenter: 40, windowWidth: 400, bits: 8, grayReplicated: true, inverted: false }))
      .toBe(`The file's own window C 40, W 400 → 8-bit, grey copied to 3 channels.${card}`)
    expect(describeMapping({ source: 'full-range', chosenBy: 'reader', voi: 'window', windowCenter: -24.5, windowWidth: 4001, bits: 8, grayReplicated: true, inverted: true }))
      .toBe('Full value range (C -24.5, W 4001) → 8-bit, grey copied to 3 channels, inverted. You chose this for the model; the verdict is for this input.')
    expect(describeMapping({ source: 'window', chosenBy: 'reader', voi: 'window', windowCenter: -600, windowWidth: 1500, bits: 8 })).toMatch(/^Window C -600, W 1500 → 8-bit\. You chose/)
    expect(describeMapping({ source: 'file', chosenBy: 'model-card', voi: 'none', bits: 8 })).toBe(`Stored colours, 8-bit RGB.${card}`)
  })

  it('plane names from axis codes', () => {
    expect(['S', 'I', 'A', 'P', 'R', 'L', '?'].map(planeName)).toEqual(['axial', 'axial', 'coronal', 'coronal', 'sagittal', 'sagittal', 'unknown plane'])
  })
})
