/**
 * Cutting a 2-D slice out of a NIfTI volume and naming its orientation. Pure.
 * Orientation follows nibabel's aff2axcodes convention: for each voxel axis, the world (RAS+) axis it runs
 * along and the direction it runs towards ('LAS' = axis 0 towards Left, 1 towards Anterior, 2 Superior).
 */
import type { ScanOrientation } from './scan-types'

const POSITIVE = ['R', 'A', 'S'] as const
const NEGATIVE = ['L', 'P', 'I'] as const
const OPPOSITE: Readonly<Record<string, string>> = { R: 'L', L: 'R', A: 'P', P: 'A', S: 'I', I: 'S' }

/**
 * Axis codes of a voxel-to-world affine (row-major 4×4 or 3×4, RAS+ world as NIfTI defines it).
 * Each voxel axis is assigned the world axis of its largest remaining direction component — exact for
 * the (near) axis-aligned volumes scanners write, and nibabel's answer for those.
 */
export function axisCodes(affine: readonly (readonly number[])[]): string {
  const used = new Set<number>()
  let codes = ''
  for (let voxelAxis = 0; voxelAxis < 3; voxelAxis++) {
    let best = -1
    let bestAbs = 0
    for (let world = 0; world < 3; world++) {
      const v = Math.abs(affine[world]?.[voxelAxis] ?? 0)
      if (!used.has(world) && v > bestAbs) { best = world; bestAbs = v }
    }
    if (best < 0) return '???'
    used.add(best)
    const sign = affine[best]?.[voxelAxis] ?? 0
    codes += sign > 0 ? POSITIVE[best] : NEGATIVE[best]
  }
  return codes
}

/** The two voxel axes shown for a slice cut at `axis`: [column axis, row axis]. */
export function inPlaneAxes(axis: 0 | 1 | 2): readonly [number, number] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1]
}

/**
 * Edge labels of the displayed slice. Columns run along the lower remaining axis (left → right); rows run
 * along the higher one, drawn with its highest index at the top (see `extractSlice`).
 */
export function sliceOrientation(axcodes: string, axis: 0 | 1 | 2, source: ScanOrientation['source']): ScanOrientation {
  const [u, v] = inPlaneAxes(axis)
  const cu = axcodes[u] ?? '?'
  const cv = axcodes[v] ?? '?'
  return {
    axcodes,
    source,
    edges: { left: OPPOSITE[cu] ?? '?', right: cu, top: cv, bottom: OPPOSITE[cv] ?? '?' },
  }
}

/**
 * Cuts slice `index` along voxel axis `axis` from a volume stored i-fastest (NIfTI order), starting at
 * element `offset` (for 4-D series: volume · nx·ny·nz). Rows are flipped so that the highest index of the
 * row axis is at the top: for the usual RAS/LAS volumes that puts anterior / superior up, as viewers do.
 * `volume` may be a function of the voxel index, so a loader reads only the slice's voxels from the file
 * instead of converting the whole volume first (a 512 MB int16 volume would be 1 GB of float32).
 */
export function extractSlice(
  volume: ArrayLike<number> | ((voxel: number) => number),
  dims: readonly [number, number, number],
  axis: 0 | 1 | 2,
  index: number,
  offset = 0,
): { width: number; height: number; values: Float32Array } {
  const [nx, ny] = dims
  const stride = [1, nx, nx * ny] as const
  const [u, v] = inPlaneAxes(axis)
  const width = dims[u] as number
  const height = dims[v] as number
  const values = new Float32Array(width * height)
  const at = typeof volume === 'function' ? volume : (i: number): number => volume[i] as number
  const base = offset + index * stride[axis]
  const su = stride[u as 0 | 1 | 2]
  const sv = stride[v as 0 | 1 | 2]
  for (let row = 0; row < height; row++) {
    const vIdx = height - 1 - row
    for (let col = 0; col < width; col++) {
      values[row * width + col] = at(base + col * su + vIdx * sv)
    }
  }
  return { width, height, values }
}
