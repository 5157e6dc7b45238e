/**
 * Model-input normalisation (ALGORITHMS.md §1.2: `/255`, then `(x − mean)/std` per channel), as a pure
 * function so tests and the conformance path can call it without sharp or ORT.
 */
import { AppError } from '../errors'

/** Per-channel statistics of a model card (RGB order). */
export interface ChannelStats {
  readonly mean: readonly number[]
  readonly std: readonly number[]
}

function checkStats(stats: ChannelStats): void {
  const ok = stats.mean.length === 3 && stats.std.length === 3 && stats.std.every((s) => Number.isFinite(s) && s > 0)
  if (!ok) throw new AppError('model/manifest-invalid', { detail: { reason: 'mean/std must be 3 finite values, std > 0' } })
}

/**
 * Interleaved RGB8 (HWC, `width·height·3` bytes) → planar float32 CHW `[3, height, width]`, normalised.
 * Float32 throughout, like torchvision's `ToTensor` + `Normalize` (spec §0: everything float32).
 */
export function normalizeRgb8ToChw(rgb: Uint8Array, width: number, height: number, stats: ChannelStats): Float32Array {
  checkStats(stats)
  const plane = width * height
  if (rgb.length !== plane * 3) {
    throw new AppError('internal', { detail: { reason: 'rgb length mismatch', length: rgb.length, width, height } })
  }
  const out = new Float32Array(plane * 3)
  for (let c = 0; c < 3; c++) {
    // Math.fround mirrors torch's float32 ops: (x/255) is rounded to float32 before the subtraction.
    const mean = Math.fround(stats.mean[c]!)
    const std = Math.fround(stats.std[c]!)
    const base = c * plane
    for (let i = 0; i < plane; i++) out[base + i] = Math.fround(Math.fround(rgb[i * 3 + c]! / 255) - mean) / std
  }
  return out
}

/**
 * Inverse of {@link normalizeRgb8ToChw} (rounded and clamped to 8 bits), e.g. to show an
 * `--input-tensor` (already normalised) as "what the model saw".
 */
export function denormalizeChwToRgb8(chw: Float32Array, width: number, height: number, stats: ChannelStats): Uint8Array {
  checkStats(stats)
  const plane = width * height
  if (chw.length !== plane * 3) {
    throw new AppError('internal', { detail: { reason: 'tensor length mismatch', length: chw.length, width, height } })
  }
  const out = new Uint8Array(plane * 3)
  for (let c = 0; c < 3; c++) {
    const mean = stats.mean[c]!
    const std = stats.std[c]!
    for (let i = 0; i < plane; i++) {
      const v = Math.round((chw[c * plane + i]! * std + mean) * 255)
      out[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  return out
}
