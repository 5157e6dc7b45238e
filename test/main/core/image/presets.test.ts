// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { buildPresets, MODALITY_PRESETS } from '../../../../main/core/image/presets'

const base = { modality: 'CT', fileWindows: [], voiLuts: [], range: { min: -1024, max: 3000 }, robust: { low: -1000, high: 1500 }, isHounsfield: true }

describe('buildPresets', () => {
  it('CT in HU gets lung, soft tissue, bone and brain; soft tissue is the default without a file window', () => {
    const p = buildPresets(base)
    expect(p.presets.map((x) => x.id)).toEqual(expect.arrayContaining(['ct-lung', 'ct-soft-tissue', 'ct-bone', 'ct-brain', 'auto-minmax', 'auto-robust']))
    expect(p.defaultPresetId).toBe('ct-soft-tissue')
    expect(MODALITY_PRESETS.CT?.find((x) => x.id === 'ct-lung')?.window).toEqual({ center: -600, width: 1500 })
  })

  it('file windows (all values, with explanations) come first and are the default', () => {
    const p = buildPresets({ ...base, fileWindows: [{ window: { center: 40, width: 80 }, explanation: 'BRAIN' }, { window: { center: 300, width: 1500 }, explanation: '' }] })
    expect(p.presets.slice(0, 2).map((x) => x.label)).toEqual(['File: BRAIN', 'File window 2'])
    expect(p.defaultPresetId).toBe('file-window-0')
    expect(p.defaultWindow).toEqual({ center: 40, width: 80 })
  })

  it('MR/US/CR get no CT presets: file VOI LUT or auto from the data', () => {
    const lut = { firstMapped: 0, bits: 8, data: new Uint16Array(4), explanation: '' }
    const mr = buildPresets({ ...base, modality: 'MR', isHounsfield: false })
    expect(mr.presets.some((x) => x.id.startsWith('ct-'))).toBe(false)
    expect(mr.defaultPresetId).toBe('auto-minmax')
    expect(buildPresets({ ...base, modality: 'CR', isHounsfield: false, voiLuts: [lut] }).defaultPresetId).toBe('file-lut-0')
  })

  it('drops unusable file windows (width ≤ 0)', () => {
    const p = buildPresets({ ...base, fileWindows: [{ window: { center: 1, width: 0 }, explanation: '' }] })
    expect(p.presets.some((x) => x.source === 'file')).toBe(false)
  })
})
