/**
 * Shared by the bench scripts: a synthetic photograph, the deterministic explainer input they all run, and one layer's
 * matrices-graph feeds cut from a run's taps as the worker cuts them (G = 2: both directions;
 * main/worker/matrices-jobs.ts).
 */
import * as ort from '../../main/adapters/onnx/runtime'
import type { EngineImage } from '../../main/core/engine/api'

interface CardInput { readonly classes: readonly string[]; readonly input: { readonly shape: readonly number[] } }

/** `image` = sin(0.001·i) over the card's input shape; `target` one-hot at `targetClass`, else all zeros. */
export function syntheticFeeds(card: CardInput, targetClass?: number): Record<'image' | 'target', ort.Tensor> {
  const shape = [...card.input.shape]
  const size = shape.reduce((a, b) => a * b, 1)
  const target = new Float32Array(card.classes.length)
  if (targetClass !== undefined) target[targetClass] = 1
  return {
    image: new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.001)), shape),
    target: new ort.Tensor('float32', target, [target.length]),
  }
}

/** The `delta`, `B`, `C`, `A` feeds of `layer` (views, not copies) from taps `[Λ, 2, …]`. */
export function layerFeeds(taps: ort.InferenceSession.ReturnType, layers: number, layer: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {}
  for (const k of ['delta', 'B', 'C', 'A']) {
    const t = taps[k]!
    const data = t.data as Float32Array
    const per = data.length / layers
    out[k] = new ort.Tensor('float32', data.subarray(layer * per, (layer + 1) * per), [2, ...t.dims.slice(2)])
  }
  return out
}

/** A 640×480 gradient-and-XOR photograph, the engine-level bench input. */
export function photo(width = 640, height = 480): EngineImage {
  const rgb = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set([(x * 255) / width, (y * 255) / height, ((x ^ y) & 0xff)], (y * width + x) * 3)
  return { width, height, rgb, sourceSha256: '0'.repeat(64) }
}
