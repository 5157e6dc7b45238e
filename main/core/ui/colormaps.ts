/**
 * Colormap lookup tables for heatmaps (pure): the one table of the app, used by the screen (renderer), the
 * figure export and the CLI, so a figure can never disagree with the screen in colour (issue 15).
 *
 * viridis and inferno are perceptually uniform, so equal steps in relevance look like equal steps in colour
 * and the maps survive greyscale printing and common colour-vision deficiencies (ANCHORS_UX.md §4: the
 * anchor tools default to jet, which users of clinical viewers complain about). jet is offered only on request,
 * because published Mamba/ViT figures use it and people want to compare like with like.
 *
 * viridis/inferno anchors: every 8th entry (and the last) of matplotlib's `_cm_listed.py` (CC0, van der Walt &
 * Smith). Linear interpolation between these anchors stays within 1.5 8-bit steps (0.6 % of full scale, below
 * what the eye separates) of the full 256-entry tables, checked against in-between entries in
 * test/renderer/ui-math/colormaps.test.ts, and keeps this file small.
 */

/** Stable colormap ids (used in settings and exports). */
export type ColormapId = 'viridis' | 'inferno' | 'jet'

/** What the UI lists, in this order; `perceptual` drives the "jet is not perceptual" hint. */
export const COLORMAPS: readonly { readonly id: ColormapId; readonly label: string; readonly perceptual: boolean }[] = [
  { id: 'viridis', label: 'Viridis', perceptual: true },
  { id: 'inferno', label: 'Inferno', perceptual: true },
  { id: 'jet', label: 'Jet (not perceptual)', perceptual: false },
]

/** Colormap ids accepted by the CLI and the export, in the UI's order. */
export const COLORMAP_IDS: readonly ColormapId[] = COLORMAPS.map((c) => c.id)

/** The default map: perceptual (issue: "viridis / inferno default; jet only on request"). */
export const DEFAULT_COLORMAP: ColormapId = 'viridis'

type Rgb = readonly [number, number, number]

// Entries 0, 8, 16, …, 248 and 255 of the matplotlib table.
const VIRIDIS_ANCHORS: readonly Rgb[] = [
  [0.267004, 0.004874, 0.329415], [0.277018, 0.050344, 0.375715], [0.282327, 0.094955, 0.417331],
  [0.282884, 0.13592, 0.453427], [0.278826, 0.17549, 0.483397], [0.270595, 0.214069, 0.507052],
  [0.258965, 0.251537, 0.524736], [0.244972, 0.287675, 0.53726], [0.229739, 0.322361, 0.545706],
  [0.214298, 0.355619, 0.551184], [0.19943, 0.387607, 0.554642], [0.185556, 0.41857, 0.556753],
  [0.172719, 0.448791, 0.557885], [0.160665, 0.47854, 0.558115], [0.149039, 0.508051, 0.55725],
  [0.13777, 0.537492, 0.554906], [0.127568, 0.566949, 0.550556], [0.120565, 0.596422, 0.543611],
  [0.120638, 0.625828, 0.533488], [0.132268, 0.655014, 0.519661], [0.157851, 0.683765, 0.501686],
  [0.196571, 0.711827, 0.479221], [0.24607, 0.73891, 0.452024], [0.304148, 0.764704, 0.419943],
  [0.369214, 0.788888, 0.382914], [0.440137, 0.811138, 0.340967], [0.515992, 0.831158, 0.294279],
  [0.595839, 0.848717, 0.243329], [0.678489, 0.863742, 0.189503], [0.762373, 0.876424, 0.137064],
  [0.845561, 0.887322, 0.099702], [0.926106, 0.89733, 0.104071], [0.993248, 0.906157, 0.143936],
]

const INFERNO_ANCHORS: readonly Rgb[] = [
  [0.001462, 0.000466, 0.013866], [0.013995, 0.011225, 0.071862], [0.042253, 0.028139, 0.141141],
  [0.081962, 0.043328, 0.215289], [0.129285, 0.047293, 0.290788], [0.183429, 0.040329, 0.354971],
  [0.238273, 0.036621, 0.396353], [0.290763, 0.045644, 0.418637], [0.3415, 0.062325, 0.429425],
  [0.391453, 0.080927, 0.433109], [0.441207, 0.099338, 0.431594], [0.491022, 0.117179, 0.425552],
  [0.54092, 0.134729, 0.415123], [0.590734, 0.152563, 0.40029], [0.640135, 0.171438, 0.381065],
  [0.688653, 0.192239, 0.357603], [0.735683, 0.215906, 0.330245], [0.780517, 0.243327, 0.299523],
  [0.822386, 0.275197, 0.266085], [0.860533, 0.311892, 0.230606], [0.894305, 0.353399, 0.193584],
  [0.923215, 0.399359, 0.155193], [0.946965, 0.449191, 0.115272], [0.965397, 0.502249, 0.073859],
  [0.978422, 0.557937, 0.034931], [0.985952, 0.61575, 0.025592], [0.987874, 0.675267, 0.065257],
  [0.984075, 0.736087, 0.129527], [0.974638, 0.797692, 0.206332], [0.960626, 0.859069, 0.29801],
  [0.947594, 0.917399, 0.410665], [0.954529, 0.965896, 0.540361], [0.988362, 0.998364, 0.644924],
]

/** Table index (0..255) of anchor `i`: every 8th entry, and the last anchor is entry 255. */
function anchorIndex(i: number, count: number): number {
  return i === count - 1 ? 255 : i * 8
}

function lutFromAnchors(anchors: readonly Rgb[]): Uint8Array {
  const lut = new Uint8Array(256 * 3)
  let seg = 0
  for (let k = 0; k < 256; k++) {
    while (seg < anchors.length - 2 && anchorIndex(seg + 1, anchors.length) < k) seg++
    const i0 = anchorIndex(seg, anchors.length)
    const i1 = anchorIndex(seg + 1, anchors.length)
    const t = (k - i0) / (i1 - i0)
    const a = anchors[seg]!
    const b = anchors[seg + 1]!
    for (let c = 0; c < 3; c++) lut[k * 3 + c] = Math.round((a[c]! + (b[c]! - a[c]!) * t) * 255)
  }
  return lut
}

/** matplotlib's jet (piecewise linear, `_jet_data`), for comparison with published figures only. */
function jetLut(): Uint8Array {
  const lut = new Uint8Array(256 * 3)
  const ramp = (x: number, pts: readonly (readonly [number, number])[]): number => {
    for (let i = 0; i < pts.length - 1; i++) {
      const [x0, y0] = pts[i]!
      const [x1, y1] = pts[i + 1]!
      if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0)
    }
    return pts[pts.length - 1]![1]
  }
  const r = [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]] as const
  const g = [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]] as const
  const b = [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]] as const
  for (let k = 0; k < 256; k++) {
    const x = k / 255
    lut[k * 3] = Math.round(ramp(x, r) * 255)
    lut[k * 3 + 1] = Math.round(ramp(x, g) * 255)
    lut[k * 3 + 2] = Math.round(ramp(x, b) * 255)
  }
  return lut
}

const cache = new Map<ColormapId, Uint8Array>()

/** 256-entry RGB lookup table (`lut[3k..3k+2]` is the colour of value k/255). Built once per map. */
export function colormapLut(id: ColormapId): Uint8Array {
  let lut = cache.get(id)
  if (lut === undefined) {
    lut = id === 'viridis' ? lutFromAnchors(VIRIDIS_ANCHORS) : id === 'inferno' ? lutFromAnchors(INFERNO_ANCHORS) : jetLut()
    cache.set(id, lut)
  }
  return lut
}

/** Colour of a value in [0, 1] (clamped) as `[r, g, b]` bytes. */
export function colorAt(id: ColormapId, value01: number): [number, number, number] {
  const lut = colormapLut(id)
  const k = Math.max(0, Math.min(255, Math.round((Number.isFinite(value01) ? value01 : 0) * 255)))
  return [lut[k * 3]!, lut[k * 3 + 1]!, lut[k * 3 + 2]!]
}

/** CSS `linear-gradient` stops for a colour bar (bottom = 0, top = 1 when used with `to top`). */
export function cssGradient(id: ColormapId, stops = 16): string {
  const parts: string[] = []
  for (let i = 0; i <= stops; i++) {
    const [r, g, b] = colorAt(id, i / stops)
    parts.push(`rgb(${r},${g},${b}) ${((i / stops) * 100).toFixed(1)}%`)
  }
  return `linear-gradient(to top, ${parts.join(', ')})`
}

/** True when `value` is a known colormap id (settings and URLs are untrusted). */
export function isColormapId(value: unknown): value is ColormapId {
  return COLORMAPS.some((c) => c.id === value)
}
