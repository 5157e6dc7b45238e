/**
 * VOI transformation: modality values → display grey levels (DICOM PS3.3 C.11.2.1.2 window functions
 * and C.11.2.1.3 VOI LUT Sequence). Output is 8-bit because that is what the display and the model get.
 */
import type { LookupTable, VoiFunction, WindowLevel } from './scan-types'

const Y_MAX = 255

/** true when the window can be applied (finite centre, positive finite width). */
export function isUsableWindow(window: WindowLevel): boolean {
  return Number.isFinite(window.center) && Number.isFinite(window.width) && window.width > 0
}

/**
 * Maps one modality value to [0, 255] (not rounded) with the DICOM window function.
 * LINEAR keeps the standard's "-0.5 / width-1" form on purpose: DCMTK and other conformant viewers use it,
 * and the DCMTK cross-check test compares against them pixel by pixel.
 */
export function windowValue(x: number, window: WindowLevel, fn: VoiFunction): number {
  const c = window.center
  const f = effectiveFunction(window, fn)
  if (f === 'SIGMOID') return Y_MAX / (1 + Math.exp((-4 * (x - c)) / window.width))
  if (f === 'LINEAR_EXACT') {
    const w = window.width
    if (x <= c - w / 2) return 0
    if (x > c + w / 2) return Y_MAX
    return ((x - c) / w + 0.5) * Y_MAX
  }
  const w = window.width
  if (x <= c - 0.5 - (w - 1) / 2) return 0
  if (x > c - 0.5 + (w - 1) / 2) return Y_MAX
  if (w === 1) return Y_MAX
  return ((x - (c - 0.5)) / (w - 1) + 0.5) * Y_MAX
}

/**
 * LINEAR is defined for width ≥ 1 only (PS3.3 C.11.2.1.2.1): its "-0.5 / width-1" terms assume integer
 * steps. Real-valued modality units (dose in Gy, rescaled MR) can need narrower windows, so those use the
 * continuous LINEAR_EXACT form instead of collapsing into a threshold.
 */
function effectiveFunction(window: WindowLevel, fn: VoiFunction): VoiFunction {
  return fn === 'LINEAR' && window.width < 1 ? 'LINEAR_EXACT' : fn
}

/**
 * Applies a window to every value; returns one 8-bit grey level per value. Does not mutate `values`.
 * Levels are truncated, not rounded, and `invert` (MONOCHROME1, user toggle) is applied before truncation:
 * DCMTK quantises this way, so integer data renders bit-identically to dcm2pnm (the cross-check test).
 */
export function windowTo8Bit(values: Float32Array, window: WindowLevel, fn: VoiFunction, invert = false): Uint8Array {
  const out = new Uint8Array(values.length)
  if (effectiveFunction(window, fn) === 'LINEAR') {
    // Hot path (every redraw while the user drags the window): the LINEAR form inlined with precomputed terms.
    const w = window.width
    const lo = window.center - 0.5 - (w - 1) / 2
    const hi = window.center - 0.5 + (w - 1) / 2
    const scale = w === 1 ? 0 : Y_MAX / (w - 1)
    const base = window.center - 0.5
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number
      const y = x <= lo ? 0 : x > hi ? Y_MAX : w === 1 ? Y_MAX : (x - base) * scale + Y_MAX / 2
      out[i] = Math.floor(invert ? Y_MAX - y : y)
    }
    return out
  }
  for (let i = 0; i < values.length; i++) {
    const y = windowValue(values[i] as number, window, fn)
    out[i] = Math.floor(invert ? Y_MAX - y : y)
  }
  return out
}

/**
 * Applies a VOI LUT Sequence item: values below the first mapped value take the first entry, values past the
 * end take the last one (PS3.3 C.11.2.1.3). Entries are scaled from the LUT's bit depth to 8 bits.
 */
export function lutTo8Bit(values: Float32Array, lut: LookupTable, invert = false): Uint8Array {
  const out = new Uint8Array(values.length)
  const n = lut.data.length
  if (n === 0) return out
  // Some files declare fewer bits than their entries use (8 declared, 16-bit data); scaling by the next power
  // of two above the true maximum keeps them from clipping to white.
  const declaredMax = 2 ** lut.bits - 1
  let dataMax = 0
  for (let i = 0; i < n; i++) dataMax = Math.max(dataMax, lut.data[i] as number)
  const outMax = dataMax > declaredMax ? 2 ** Math.ceil(Math.log2(dataMax + 1)) - 1 : declaredMax
  const scale = Y_MAX / outMax
  for (let i = 0; i < values.length; i++) {
    const idx = Math.min(n - 1, Math.max(0, Math.round((values[i] as number) - lut.firstMapped)))
    const y = (lut.data[idx] as number) * scale
    out[i] = Math.round(invert ? Y_MAX - y : y)
  }
  return out
}

/** Window that maps [min, max] onto the full grey range (DCMTK's "+Wm" min-max window). */
export function minMaxWindow(min: number, max: number): WindowLevel {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { center: 0, width: 1 }
  return { center: (min + max) / 2, width: max > min ? max - min : 1 }
}

/** Parses the VOI LUT Function string of a file; unknown or absent values fall back to LINEAR (the default). */
export function parseVoiFunction(value: string | undefined): VoiFunction {
  const v = (value ?? '').trim().toUpperCase()
  return v === 'LINEAR_EXACT' || v === 'SIGMOID' ? v : 'LINEAR'
}
