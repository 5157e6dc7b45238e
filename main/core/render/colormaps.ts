/**
 * 256-entry colour lookup tables (RGB8). viridis and inferno are rebuilt from every 8th entry of
 * matplotlib's `_cm_listed.py` (plus the last), linearly interpolated: max deviation from the full
 * table is below one 8-bit step on the smooth parts (checked in the tests at the knots). jet follows
 * matplotlib's `_jet_data` segments. OpenCV's COLORMAP_JET (used by the notebooks, spec §3.1) is a
 * slightly different jet; we do not copy its BGR quirk.
 */

/** Colormap ids accepted by the CLI and the export. */
export const COLORMAP_IDS = ['viridis', 'inferno', 'jet'] as const
/** One of {@link COLORMAP_IDS}. */
export type ColormapId = (typeof COLORMAP_IDS)[number]

type Knot = readonly [number, number, number, number]

// [index 0..255, r, g, b] in 0..1, from matplotlib _viridis_data.
const VIRIDIS: readonly Knot[] = [
  [0, 0.267004, 0.004874, 0.329415], [8, 0.277018, 0.050344, 0.375715], [16, 0.282327, 0.094955, 0.417331],
  [24, 0.282884, 0.13592, 0.453427], [32, 0.278826, 0.17549, 0.483397], [40, 0.270595, 0.214069, 0.507052],
  [48, 0.258965, 0.251537, 0.524736], [56, 0.244972, 0.287675, 0.53726], [64, 0.229739, 0.322361, 0.545706],
  [72, 0.214298, 0.355619, 0.551184], [80, 0.19943, 0.387607, 0.554642], [88, 0.185556, 0.41857, 0.556753],
  [96, 0.172719, 0.448791, 0.557885], [104, 0.160665, 0.47854, 0.558115], [112, 0.149039, 0.508051, 0.55725],
  [120, 0.13777, 0.537492, 0.554906], [128, 0.127568, 0.566949, 0.550556], [136, 0.120565, 0.596422, 0.543611],
  [144, 0.120638, 0.625828, 0.533488], [152, 0.132268, 0.655014, 0.519661], [160, 0.157851, 0.683765, 0.501686],
  [168, 0.196571, 0.711827, 0.479221], [176, 0.24607, 0.73891, 0.452024], [184, 0.304148, 0.764704, 0.419943],
  [192, 0.369214, 0.788888, 0.382914], [200, 0.440137, 0.811138, 0.340967], [208, 0.515992, 0.831158, 0.294279],
  [216, 0.595839, 0.848717, 0.243329], [224, 0.678489, 0.863742, 0.189503], [232, 0.762373, 0.876424, 0.137064],
  [240, 0.845561, 0.887322, 0.099702], [248, 0.926106, 0.89733, 0.104071], [255, 0.993248, 0.906157, 0.143936],
]

// From matplotlib _inferno_data.
const INFERNO: readonly Knot[] = [
  [0, 0.001462, 0.000466, 0.013866], [8, 0.013995, 0.011225, 0.071862], [16, 0.042253, 0.028139, 0.141141],
  [24, 0.081962, 0.043328, 0.215289], [32, 0.129285, 0.047293, 0.290788], [40, 0.183429, 0.040329, 0.354971],
  [48, 0.238273, 0.036621, 0.396353], [56, 0.290763, 0.045644, 0.418637], [64, 0.3415, 0.062325, 0.429425],
  [72, 0.391453, 0.080927, 0.433109], [80, 0.441207, 0.099338, 0.431594], [88, 0.491022, 0.117179, 0.425552],
  [96, 0.54092, 0.134729, 0.415123], [104, 0.590734, 0.152563, 0.40029], [112, 0.640135, 0.171438, 0.381065],
  [120, 0.688653, 0.192239, 0.357603], [128, 0.735683, 0.215906, 0.330245], [136, 0.780517, 0.243327, 0.299523],
  [144, 0.822386, 0.275197, 0.266085], [152, 0.860533, 0.311892, 0.230606], [160, 0.894305, 0.353399, 0.193584],
  [168, 0.923215, 0.399359, 0.155193], [176, 0.946965, 0.449191, 0.115272], [184, 0.965397, 0.502249, 0.073859],
  [192, 0.978422, 0.557937, 0.034931], [200, 0.985952, 0.61575, 0.025592], [208, 0.987874, 0.675267, 0.065257],
  [216, 0.984075, 0.736087, 0.129527], [224, 0.974638, 0.797692, 0.206332], [232, 0.960626, 0.859069, 0.29801],
  [240, 0.947594, 0.917399, 0.410665], [248, 0.954529, 0.965896, 0.540361], [255, 0.988362, 0.998364, 0.644924],
]

type Segment = readonly (readonly [number, number])[]
// matplotlib _jet_data: (x, value) pairs per channel.
const JET: readonly [Segment, Segment, Segment] = [
  [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]],
  [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]],
  [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]],
]

const to8 = (v: number): number => Math.min(255, Math.max(0, Math.round(v * 255)))

function fromKnots(knots: readonly Knot[]): Uint8Array {
  const lut = new Uint8Array(256 * 3)
  for (let k = 0; k + 1 < knots.length; k++) {
    const a = knots[k]!
    const b = knots[k + 1]!
    for (let i = a[0]; i <= b[0]; i++) {
      const t = (i - a[0]) / (b[0] - a[0])
      for (let c = 0; c < 3; c++) lut[i * 3 + c] = to8(a[c + 1]! + t * (b[c + 1]! - a[c + 1]!))
    }
  }
  return lut
}

function segmentValue(seg: Segment, x: number): number {
  for (let k = 0; k + 1 < seg.length; k++) {
    const [x0, y0] = seg[k]!
    const [x1, y1] = seg[k + 1]!
    if (x <= x1) return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0)
  }
  return seg[seg.length - 1]![1]
}

function fromSegments(segs: readonly [Segment, Segment, Segment]): Uint8Array {
  const lut = new Uint8Array(256 * 3)
  for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) lut[i * 3 + c] = to8(segmentValue(segs[c]!, i / 255))
  return lut
}

const cache = new Map<ColormapId, Uint8Array>()

/** The 256×3 RGB8 LUT of a colormap (built once, then shared; do not mutate). */
export function colormapLut(id: ColormapId): Uint8Array {
  let lut = cache.get(id)
  if (lut === undefined) {
    lut = id === 'viridis' ? fromKnots(VIRIDIS) : id === 'inferno' ? fromKnots(INFERNO) : fromSegments(JET)
    cache.set(id, lut)
  }
  return lut
}

/** Type guard for user input. */
export function isColormapId(value: unknown): value is ColormapId {
  return typeof value === 'string' && (COLORMAP_IDS as readonly string[]).includes(value)
}
