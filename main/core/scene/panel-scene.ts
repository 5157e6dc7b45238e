/**
 * One scene for screen and figure (issue 15 item 5): what a heat-map panel shows — the picture, the heat
 * overlay with its colour table, scale and opacity, the patch grid and pinned patch, the colour bar with its
 * name, ticks and scale mode, the display window, a scan's scale bar and the out-of-domain banner — built once
 * here and drawn by every backend: Konva on screen (renderer/src/canvas/konva-painter.ts), the raster, SVG and
 * PDF figure (core/export/compose.ts and the adapters). Geometry is in picture pixels; each backend maps it to
 * its own space (the viewer's pan and zoom, the figure's panel size). Pure data: no DOM, no functions, no
 * classes, so a scene survives structuredClone and two scenes compare with a deep equality.
 */
import type { Rgb8Image } from '../image/types'
import { outOfDomainBanner } from '../trust/report'
import { isNearlyFlat, scaleLegend, sharedScale, type ScaleMode } from '../trust/scale'
import type { ColormapId } from '../ui/colormaps'
import { patchRectInImage, type ModelFrame, type PatchCell, type PatchGrid, type Rect } from '../ui/coords'
import { valueRange, type ValueRange } from '../ui/heatmap-image'
import { panelSize, tickCount } from '../export/layout'
import { colorBarName, displayText, pinnedPatchText, tickLabels } from '../export/text'
import type { DisplayNote } from '../export/types'

/** How heat is drawn over the picture. */
export interface SceneStyle {
  readonly colormap: ColormapId
  /** Heat weight 0 … 1 (the alpha of the whole heat layer). */
  readonly opacity01: number
  /** Fraction of the map's range below which heat is hidden (0 = show all). */
  readonly threshold01: number
  /** Iso-lines instead of a filled map. */
  readonly contour: boolean
}

/** A map as the engine returned it (before the scale of the view is applied). */
export interface EngineMap {
  readonly heatmap: Float32Array
  readonly width: number
  readonly height: number
  readonly degenerate: boolean
}

/** A map on the scale it is drawn with: its own min–max alone, one shared scale side by side. */
export interface ScaledMap {
  readonly values: Float32Array
  readonly width: number
  readonly height: number
  readonly range: ValueRange
  readonly scale: ScaleMode
  /** Every patch has the same value (spec §5.11). */
  readonly degenerate: boolean
  /** The map varies by less than 5 % of its magnitude (core/trust/scale.ts): its colours exaggerate. */
  readonly nearlyFlat: boolean
}

/** The heat layer: `values` coloured by core/ui/heatmap-image.ts `heatmapToRgba`, drawn over `rect` at `opacity01`. */
export interface HeatLayer extends SceneStyle {
  readonly values: Float32Array
  readonly width: number
  readonly height: number
  readonly range: ValueRange
  /** Where the model input sits on the picture. */
  readonly rect: Rect
  /** Bilinear resampling; off for contours (one model pixel wide, smoothing would blur them into a haze). */
  readonly smooth: boolean
}

export interface GridMark {
  readonly rect: Rect
  readonly rows: number
  readonly cols: number
  /** CSS colour and alpha of the lines. */
  readonly colour: string
  readonly alpha: number
}

export interface PinMark {
  readonly rect: Rect
  /** 0-based row-major index, as the provenance keeps it. */
  readonly index: number
  /** "pinned patch 12 (row 2, column 5)": 1-based, as everywhere a person reads it. */
  readonly label: string
  readonly colour: string
}

export interface ColorBarScene {
  readonly colormap: ColormapId
  readonly threshold01: number
  readonly range: ValueRange
  /** Value labels from minimum to maximum. */
  readonly ticks: readonly string[]
  /** What the values are ("relevance, arbitrary units"). */
  readonly name: string
  readonly scale: ScaleMode
  /** The scale mode in words, long (figure, tooltip) and short (beside the on-screen bar). */
  readonly legend: string
  readonly legendShort: string
  /** Flat or nearly flat map, said next to the bar; null otherwise. */
  readonly note: 'flat map: one value' | 'nearly flat: colours exaggerate' | null
}

export interface PanelScene {
  /** The picture under the overlay: the display image, or the model input in 'model' mode (not copied). */
  readonly picture: Rgb8Image
  readonly mode: 'image' | 'model'
  /** Null while there is no current result for the picture (a stale map is never drawn). */
  readonly heat: HeatLayer | null
  readonly grid: GridMark | null
  readonly pin: PinMark | null
  readonly colorBar: ColorBarScene | null
  /** A grey scan's display window: short for the corner text, full for the figure header. */
  readonly window: { readonly short: string; readonly full: string } | null
  /** A scan shown as itself with a known pixel spacing: millimetres per picture pixel (column direction). */
  readonly scaleBar: { readonly mmPerPicturePx: number } | null
  /** The out-of-domain banner, or null when the input is in the model's domain (or not judged yet). */
  readonly banner: string | null
}

/** Everything a panel scene is made from; the viewer and the figure exporter each fill it from their state. */
export interface PanelSceneInput {
  readonly picture: Rgb8Image
  readonly mode: 'image' | 'model'
  /** Where the model input sits on the picture; null = no current result. */
  readonly frame: ModelFrame | null
  readonly grid: PatchGrid | null
  readonly map: ScaledMap | null
  readonly style: SceneStyle
  readonly showGrid: boolean
  readonly pinned: PatchCell | null
  /** A grey scan's display window; null for colour images. */
  readonly display: DisplayNote | null
  /** Physical size of a pixel of the original image, when the file gives one. */
  readonly pixelSpacingMm: { readonly row: number; readonly column: number } | null
  /** The domain guard's answer (null: not assessed) and the card's trained-on name. */
  readonly domain: { readonly inDomain: boolean | null; readonly trainedOnName?: string } | null
}

const PIN_COLOUR = '#ffd400'
const GRID_COLOUR = '#ffffff'
const GRID_ALPHA = 0.35

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0)

/**
 * The maps of the panels shown together, on the scale they are drawn with: one map keeps its own min–max;
 * several are compared, so each is divided by its mean |value| and all share one range (core/trust/scale.ts).
 */
export function scaleMaps(maps: readonly EngineMap[]): ScaledMap[] {
  const shared = maps.length > 1 ? sharedScale(maps.map((m) => m.heatmap)) : null
  return maps.map((m, i) => {
    const own = valueRange(m.heatmap)
    return {
      values: shared?.maps[i] ?? m.heatmap, width: m.width, height: m.height, range: shared?.range ?? own,
      scale: shared === null ? 'own min-max' : 'shared, relative to mean |relevance|',
      degenerate: m.degenerate || !(own.max > own.min), nearlyFlat: isNearlyFlat(m.heatmap),
    }
  })
}

function colorBarOf(map: ScaledMap, style: SceneStyle, picture: Rgb8Image): ColorBarScene {
  return {
    colormap: style.colormap, threshold01: clamp01(style.threshold01), range: map.range,
    // As many ticks as the figure's bar under a panel of this picture has room for: screen and figure agree.
    ticks: tickLabels(map.range, tickCount(panelSize(picture.width, picture.height).width)),
    name: colorBarName(), scale: map.scale, legend: scaleLegend(map.scale), legendShort: scaleLegend(map.scale, true),
    note: map.degenerate ? 'flat map: one value' : map.nearlyFlat ? 'nearly flat: colours exaggerate' : null,
  }
}

function windowOf(d: DisplayNote): { short: string; full: string } {
  const unit = d.unit === '' ? '' : ` ${d.unit}`
  return { short: `W ${Math.round(d.windowWidth)} L ${Math.round(d.windowCenter)}${unit}${d.invert ? ' (inverted)' : ''}`, full: displayText(d) }
}

/** The patch grid over the model crop (the viewer also draws it, unpinned, under the pointer). */
export function gridMark(frame: ModelFrame, grid: PatchGrid): GridMark {
  return { rect: { ...frame.crop }, rows: grid.gridRows, cols: grid.gridCols, colour: GRID_COLOUR, alpha: GRID_ALPHA }
}

/** The scene of one panel. */
export function buildPanelScene(input: PanelSceneInput): PanelScene {
  const { frame, grid, map, style, picture } = input
  const isCurrent = frame !== null && grid !== null
  const heat: HeatLayer | null = isCurrent && map !== null
    ? {
        values: map.values, width: map.width, height: map.height, range: map.range, rect: { ...frame.crop },
        colormap: style.colormap, opacity01: clamp01(style.opacity01), threshold01: clamp01(style.threshold01),
        contour: style.contour, smooth: !style.contour,
      }
    : null
  const pinned = isCurrent ? input.pinned : null
  // "What the model saw" is the model input, not the displayed window, and its pixels are resampled.
  const asItself = input.mode === 'image'
  const spacing = input.pixelSpacingMm
  return {
    picture, mode: input.mode, heat,
    grid: isCurrent && input.showGrid ? gridMark(frame, grid) : null,
    pin: pinned === null || !isCurrent
      ? null
      : { rect: patchRectInImage(pinned, frame, grid), index: pinned.index, label: pinnedPatchText(pinned), colour: PIN_COLOUR },
    colorBar: map === null ? null : colorBarOf(map, style, picture),
    window: asItself && input.display !== null ? windowOf(input.display) : null,
    scaleBar: asItself && spacing !== null && spacing.column > 0 ? { mmPerPicturePx: spacing.column } : null,
    banner: input.domain?.inDomain === false ? outOfDomainBanner(input.domain.trainedOnName) : null,
  }
}
