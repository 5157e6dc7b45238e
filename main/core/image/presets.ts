/**
 * Window presets per modality. CT gets the four fixed windows radiologists use (values in HU, as in
 * common radiology references: lung W1500/L-600, soft tissue W400/L40, bone W1800/L400, brain W80/L40).
 * Other modalities have no absolute scale, so their windows come from the file or from the data ("auto").
 */
import { minMaxWindow, isUsableWindow } from './voi'
import type { LookupTable, WindowLevel, WindowPreset } from './scan-types'

/** Fixed presets by modality. Only CT values are meaningful across scanners (Hounsfield units). */
export const MODALITY_PRESETS: Readonly<Record<string, readonly { id: string; label: string; window: WindowLevel }[]>> = {
  CT: [
    { id: 'ct-soft-tissue', label: 'Soft tissue', window: { center: 40, width: 400 } },
    { id: 'ct-lung', label: 'Lung', window: { center: -600, width: 1500 } },
    { id: 'ct-bone', label: 'Bone', window: { center: 400, width: 1800 } },
    { id: 'ct-brain', label: 'Brain', window: { center: 40, width: 80 } },
  ],
}

/** Inputs of `buildPresets`: what the file says plus statistics of the modality values. */
export interface PresetInputs {
  readonly modality: string
  readonly fileWindows: readonly { readonly window: WindowLevel; readonly explanation: string }[]
  readonly voiLuts: readonly LookupTable[]
  readonly range: { readonly min: number; readonly max: number }
  /** 0.5 % / 99.5 % quantiles, for the robust auto window. */
  readonly robust: { readonly low: number; readonly high: number }
  /** true when the values are Hounsfield units (CT with a linear rescale), so the CT presets apply. */
  readonly isHounsfield: boolean
}

/**
 * Lists the presets of a grey image and picks the default one: the file's first window, else its first
 * VOI LUT, else (CT in HU) soft tissue, else the min-max window — what DCMTK and most viewers show.
 */
export function buildPresets(inp: PresetInputs): { presets: WindowPreset[]; defaultPresetId: string; defaultWindow: WindowLevel } {
  const presets: WindowPreset[] = []
  inp.fileWindows.forEach((fw, i) => {
    if (!isUsableWindow(fw.window)) return
    const label = fw.explanation !== '' ? `File: ${fw.explanation}` : `File window ${i + 1}`
    presets.push({ id: `file-window-${i}`, label, source: 'file', kind: 'window', window: fw.window })
  })
  inp.voiLuts.forEach((lut, i) => {
    const label = lut.explanation !== '' ? `File LUT: ${lut.explanation}` : `File VOI LUT ${i + 1}`
    presets.push({ id: `file-lut-${i}`, label, source: 'file', kind: 'lut', lutIndex: i })
  })
  if (inp.isHounsfield) {
    for (const p of MODALITY_PRESETS.CT ?? []) presets.push({ ...p, source: 'modality', kind: 'window' })
  }
  const full = minMaxWindow(inp.range.min, inp.range.max)
  presets.push({ id: 'auto-minmax', label: 'Auto (full range)', source: 'auto', kind: 'window', window: full })
  const robust = minMaxWindow(inp.robust.low, inp.robust.high)
  presets.push({ id: 'auto-robust', label: 'Auto (0.5–99.5 %)', source: 'auto', kind: 'window', window: robust })

  const first = presets.find((p) => p.source === 'file') ??
    presets.find((p) => p.id === 'ct-soft-tissue') ??
    presets.find((p) => p.id === 'auto-minmax')
  const chosen = first ?? presets[0]
  // `chosen` always exists (auto-minmax is pushed unconditionally); the fallback keeps the types total.
  const defaultWindow = chosen && chosen.kind === 'window' ? chosen.window : full
  return { presets, defaultPresetId: chosen?.id ?? 'auto-minmax', defaultWindow }
}

/** Presets of a colour image: one identity entry, since windows are not applied to RGB. */
export function colourPresets(): { presets: WindowPreset[]; defaultPresetId: string; defaultWindow: WindowLevel } {
  const identity = { center: 127.5, width: 256 }
  return {
    presets: [{ id: 'identity', label: 'As stored', source: 'auto', kind: 'window', window: identity }],
    defaultPresetId: 'identity',
    defaultWindow: identity,
  }
}
