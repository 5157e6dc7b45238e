/**
 * The domain statistics file a card's `domain.features.file` names (models/<id>.domain.json): class means and
 * the whitening of the tied covariance of the model's pooled features (and of the input's pixel statistics)
 * on its TRAINING split, as written by
 * test/main/trust/fit-domain-guard.ts. Only statistics, never images or per-image features.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { AppError } from '../../core/errors'
import type { DomainStats } from '../../core/trust/domain'
import type { FeatureGaussian } from '../../core/trust/gaussian'
import { PIXEL_STATS_DIM, PIXEL_STATS_ID } from '../../core/trust/pixel-stats'
import { verifySha256 } from '../models/verify'

export const DOMAIN_STATS_SCHEMA = 'mamba-lens.domain-stats/1'

const gaussianSchema = z.looseObject({
  dim: z.number().int().positive(),
  means: z.array(z.array(z.number())).min(1),
  /** W = L⁻¹, lower triangle packed row by row: dim·(dim+1)/2 values. */
  whiteningLower: z.array(z.number()),
})

/**
 * Statistics of the model's features (top level, the default) and optionally of the input's pixels, which name
 * the statistics they were fitted on (pixel-stats.ts PIXEL_STATS_ID): a file fitted on other pixel statistics is
 * refused rather than compared with numbers that mean something else.
 */
const statsSchema = gaussianSchema.extend({
  schema: z.literal(DOMAIN_STATS_SCHEMA),
  pixels: gaussianSchema.extend({ statistics: z.literal(PIXEL_STATS_ID) }).optional(),
})

export type DomainStatsFile = z.infer<typeof statsSchema>

/** Packs the lower triangle of a row-major dim × dim matrix, row by row. */
export function packLower(m: Float64Array, dim: number): number[] {
  const out: number[] = []
  for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) out.push(m[i * dim + j]!)
  return out
}

function unpack(g: z.infer<typeof gaussianSchema>, what: string): FeatureGaussian {
  const { dim, means, whiteningLower } = g
  if (means.some((m) => m.length !== dim) || whiteningLower.length !== (dim * (dim + 1)) / 2) {
    throw new AppError('model/manifest-invalid', { detail: { issues: [`domain statistics (${what}): lengths do not match dim`] } })
  }
  const w = new Float64Array(dim * dim)
  let k = 0
  for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) w[i * dim + j] = whiteningLower[k++]!
  return { dim, means: means.map((m) => Float64Array.from(m)), whitening: w }
}

/** The Gaussians of a parsed statistics file (checks every length). */
export function domainStatsOf(json: unknown): DomainStats {
  const p = statsSchema.safeParse(json)
  if (!p.success) throw new AppError('model/manifest-invalid', { detail: { issues: p.error.issues.slice(0, 5).map((i) => `domain statistics ${i.path.join('.')}: ${i.message}`) } })
  if (p.data.pixels !== undefined && p.data.pixels.dim !== PIXEL_STATS_DIM) {
    throw new AppError('model/manifest-invalid', { detail: { issues: [`domain statistics (pixels): dim ${p.data.pixels.dim}, expected ${PIXEL_STATS_DIM}`] } })
  }
  return { features: unpack(p.data, 'features'), ...(p.data.pixels !== undefined ? { pixels: unpack(p.data.pixels, 'pixels') } : {}) }
}

/** Reads and checks the file (sha256 when the card gives one). */
export function readDomainStats(path: string, sha256?: string): DomainStats {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    throw new AppError('model/not-found', { detail: { reason: 'domain statistics file missing' }, cause: e })
  }
  if (sha256 !== undefined) verifySha256(bytes, sha256, 'domain statistics')
  return domainStatsOf(JSON.parse(bytes.toString('utf8')) as unknown)
}
