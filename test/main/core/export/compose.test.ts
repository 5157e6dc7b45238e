// @vitest-environment node
/**
 * Overlay fidelity (issue: "overlay pixels match the on-screen rendering within tolerance"). The
 * references are the plain reference blend (reference-overlay.ts) and the renderer's own
 * pipeline (core/ui heatmapToRgba + alpha blend, as Konva draws it), rebuilt here independently.
 */
import { describe, expect, it } from 'vitest'
import { composeFigure, heatLayer, panelImage, renderView } from '../../../../main/core/export/compose'
import { buildFigureSpec, figureLayout } from '../../../../main/core/export/figure'
import { crop, resizeRgb } from '../../../../main/core/export/raster'
import type { Rgb8Image } from '../../../../main/core/image/types'
import { composeOverlay } from './reference-overlay'
import { COLORMAP_IDS, type ColormapId } from '../../../../main/core/ui/colormaps'
import { heatmapToRgba, valueRange } from '../../../../main/core/ui/heatmap-image'
import { picture, request, smoothHeatmap } from './fixture'

const identity = (w: number, h: number) => ({ x: 0, y: 0, width: w, height: h })

function maxDiff(a: Rgb8Image, b: Rgb8Image): number {
  expect([a.width, a.height]).toEqual([b.width, b.height])
  let m = 0
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!))
  return m
}

function meanDiff(a: Rgb8Image, b: Rgb8Image): number {
  let s = 0
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!)
  return s / a.data.length
}

/** A heat layer of the scene (core/scene/panel-scene.ts) over the whole picture. */
const heatOf = (values: Float32Array, w: number, h: number, style: { colormap: ColormapId; threshold01: number; contour: boolean }) => ({
  values, width: w, height: h, range: valueRange(values), ...style,
})

describe('overlay composition matches the viewer', () => {
  it('is bit-identical to the plain reference blend for the identity frame (every colormap, several opacities)', () => {
    const img = picture(224, 224)
    const heat = smoothHeatmap(224, 224, 0.3, 0.6, 2, -0.5)
    for (const colormap of COLORMAP_IDS) {
      for (const opacity01 of [0, 0.35, 0.6, 1]) {
        const ours = renderView(img, heatLayer(heatOf(heat, 224, 224, { colormap, threshold01: 0, contour: false })), 224, 224, identity(224, 224), opacity01, true)
        const ref = composeOverlay(img, heat, { colormap, opacity01 }).image
        expect(maxDiff(ours, ref)).toBe(0)
      }
    }
  })

  it('with a threshold, hidden pixels keep the image and shown ones match the renderer’s RGBA blend', () => {
    const img = picture(224, 224)
    const heat = smoothHeatmap(224, 224, 0.5, 0.5)
    const style = { colormap: 'inferno' as const, threshold01: 0.4, contour: false }
    const rgba = heatmapToRgba(heat, 224, 224, valueRange(heat), style)
    const ours = renderView(img, heatLayer(heatOf(heat, 224, 224, style)), 224, 224, identity(224, 224), 0.7, true)
    let hidden = 0
    let mismatches = 0
    for (let i = 0; i < 224 * 224; i++) {
      const a = rgba[i * 4 + 3]! / 255
      if (a === 0) hidden++
      for (let c = 0; c < 3; c++) {
        const want = Math.round(img.data[i * 3 + c]! * (1 - 0.7 * a) + 0.7 * a * rgba[i * 4 + c]!)
        if (ours.data[i * 3 + c] !== want) mismatches++
      }
    }
    expect(mismatches).toBe(0)
    expect(hidden).toBeGreaterThan(1000)
  })

  it('contour mode draws only iso-lines (nearest sampling, as the renderer switches smoothing off)', () => {
    const img = picture(224, 224)
    const heat = smoothHeatmap(224, 224, 0.5, 0.5)
    const style = { colormap: 'viridis' as const, threshold01: 0.2, contour: true }
    const ours = renderView(img, heatLayer(heatOf(heat, 224, 224, style)), 224, 224, identity(224, 224), 1, false)
    let changed = 0
    for (let i = 0; i < img.data.length; i++) if (ours.data[i] !== img.data[i]) changed++
    expect(changed).toBeGreaterThan(0)
    expect(changed / img.data.length).toBeLessThan(0.2)
  })

  it('maps the model crop onto a larger image: outside the crop untouched, inside close to composeOverlay of the resampled map', () => {
    const img = picture(300, 240)
    const heat = smoothHeatmap(224, 224, 0.4, 0.5)
    const frame = { x: 30, y: 0, width: 240, height: 240 }
    const ours = renderView(img, heatLayer(heatOf(heat, 224, 224, { colormap: 'viridis', threshold01: 0, contour: false })), 224, 224, frame, 0.6, true)
    for (const x of [0, 29, 270, 299]) for (const y of [0, 120, 239]) {
      const i = (y * 300 + x) * 3
      expect([...ours.data.subarray(i, i + 3)]).toEqual([...img.data.subarray(i, i + 3)])
    }
    // Reference: the normalised map's *values* resampled to the crop (bilinear, centres aligned), then composeOverlay.
    const norm = new Float32Array(224 * 224)
    const { min, max } = valueRange(heat)
    for (let i = 0; i < norm.length; i++) norm[i] = (heat[i]! - min) / (max - min)
    const valuesAtCrop = new Float32Array(240 * 240)
    for (let y = 0; y < 240; y++) for (let x = 0; x < 240; x++) {
      const u = Math.min(223, Math.max(0, (x + 0.5) * (224 / 240) - 0.5))
      const v = Math.min(223, Math.max(0, (y + 0.5) * (224 / 240) - 0.5))
      const x0 = Math.floor(u), y0 = Math.floor(v), x1 = Math.min(223, x0 + 1), y1 = Math.min(223, y0 + 1)
      const tx = u - x0, ty = v - y0
      valuesAtCrop[y * 240 + x] = (norm[y0 * 224 + x0]! * (1 - tx) + norm[y0 * 224 + x1]! * tx) * (1 - ty) + (norm[y1 * 224 + x0]! * (1 - tx) + norm[y1 * 224 + x1]! * tx) * ty
    }
    const region = crop(img, { x: 30, y: 0, width: 240, height: 240 })
    const ref = composeOverlay(region, valuesAtCrop, { colormap: 'viridis', opacity01: 0.6, isNormalised: true }).image
    const got = crop(ours, { x: 30, y: 0, width: 240, height: 240 })
    // Colour vs value interpolation differ by at most a LUT step on a smooth map.
    expect(maxDiff(got, ref)).toBeLessThanOrEqual(3)
    expect(meanDiff(got, ref)).toBeLessThan(0.5)
  })

  it('the figure’s panel region is exactly the composed view at 1×, and 2× is its faithful enlargement', () => {
    const req = request(224, 224, {}, { mode: 'model' })
    const spec = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
    const l1 = figureLayout(spec, 1)
    const fig1 = composeFigure(spec, l1)
    const { scene } = spec.panels[0]!
    const ref = composeOverlay(scene.picture, req.result.methods[0]!.heatmap, { colormap: 'viridis', opacity01: 0.6 }).image
    expect(maxDiff(crop(fig1, l1.panels[0]!.image), ref)).toBe(0)
    const l2 = figureLayout(spec, 2)
    const fig2 = composeFigure(spec, l2)
    const region2 = crop(fig2, l2.panels[0]!.image)
    expect(maxDiff(region2, panelImage(scene, l2.panels[0]!.image))).toBe(0)
    expect(meanDiff(resizeRgb(region2, 224, 224), ref)).toBeLessThan(1)
  })

  it('never mutates the engine arrays or the image', () => {
    const req = request(300, 240, {}, { showGrid: true, pinnedPatch: 5, threshold01: 0.3 })
    const before = { img: req.image.data.slice(), heat: req.result.methods[0]!.heatmap.slice() }
    const spec = buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
    composeFigure(spec, figureLayout(spec, 2))
    // Buffer.equals: toEqual walks large typed arrays element by element and takes seconds.
    expect(Buffer.from(req.image.data).equals(Buffer.from(before.img))).toBe(true)
    expect(Buffer.from(req.result.methods[0]!.heatmap.buffer).equals(Buffer.from(before.heat.buffer))).toBe(true)
  })
})
