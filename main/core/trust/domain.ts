/**
 * The domain guard: is this input like the data the model was trained on? Four independent checks, any one
 * of which puts the input out of domain (docs/TRUST.md):
 * - the Mahalanobis distance of the model's pooled features to the training split's class means;
 * - the Mahalanobis distance of the input's speckle-texture statistics (pixel-stats.ts) to the training split's,
 *   a model-free view that catches what the RMS-normalised features miss (i.i.d. noise, smooth MR slices, flat
 *   images) and, unlike brightness or layout, does not tell the scanners apart;
 *   both thresholds were chosen on the validation split (card `domain.tuning`);
 * - the source's declared modality (DICOM Modality) against the card's `trainedOn.modality`;
 * - colour: a model trained on grey images gets a colour image.
 * The logits' energy is reported as a second opinion with its own threshold; it does not decide on its own.
 */
import { energy, mahalanobis, type FeatureGaussian } from './gaussian'
import type { DomainAssessment } from './types'

/** What the card says the model was trained on and how the guard decides. */
export interface DomainSpec {
  readonly trainedOn: { readonly name?: string; readonly modality: string; readonly colour: 'grey' | 'colour'; readonly view?: string; readonly description?: string }
  readonly score: 'mahalanobis'
  readonly threshold: number
  readonly secondOpinion?: { readonly score: 'energy'; readonly threshold: number }
  /** Threshold on the Mahalanobis distance of the pixel statistics (absent: that check is off). */
  readonly pixelThreshold?: number
  /** Largest share of clearly coloured pixels a "grey" input may have (annotation colour overlays). */
  readonly maxColourShare?: number
}

/** Facts about the input that do not need the model. */
export interface InputFacts {
  /** Modality the source declares (DICOM Modality); undefined for files that declare none (PNG, JPEG, NIfTI). */
  readonly modality?: string
  /** Share of pixels whose channels differ by more than COLOUR_DELTA (see colourShare). */
  readonly colourShare: number
}

/** The training statistics the guard compares with: of the model's features, and of the input's pixels. */
export interface DomainStats {
  readonly features: FeatureGaussian
  readonly pixels?: FeatureGaussian
}

/** Channel spread (max − min, 0–255) above which a pixel counts as coloured: JPEG chroma noise stays below. */
export const COLOUR_DELTA = 24
const DEFAULT_MAX_COLOUR_SHARE = 0.02

/** Share of pixels of an interleaved RGB8 image whose channels differ by more than COLOUR_DELTA. */
export function colourShare(rgb: Uint8Array): number {
  const n = Math.floor(rgb.length / 3)
  if (n === 0) return 0
  let coloured = 0
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i]!
    const g = rgb[3 * i + 1]!
    const b = rgb[3 * i + 2]!
    if (Math.max(r, g, b) - Math.min(r, g, b) > COLOUR_DELTA) coloured++
  }
  return coloured / n
}

/** The assessment when the card carries no domain statistics. */
export const NOT_ASSESSED: DomainAssessment = {
  inDomain: null, score: null, threshold: null, scoreName: null, pixels: null, secondOpinion: null,
  reasons: ['not assessed: the model card carries no domain statistics'],
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`

/** The checks that need no model: the declared modality and colour against what the card says. */
export function metadataReasons(trainedOn: DomainSpec['trainedOn'], facts: InputFacts, maxColourShare = DEFAULT_MAX_COLOUR_SHARE): string[] {
  const reasons: string[] = []
  const want = trainedOn.modality
  if (facts.modality !== undefined && facts.modality !== '' && facts.modality.toUpperCase() !== want.toUpperCase()) {
    reasons.push(`the file says its modality is ${facts.modality}; the model was trained on ${want}`)
  }
  if (trainedOn.colour === 'grey' && facts.colourShare > maxColourShare) {
    reasons.push(`${pct(facts.colourShare)} of the pixels are coloured; the model was trained on grey images`)
  }
  return reasons
}

/**
 * Without feature statistics only the metadata can speak: a mismatch puts the input out of domain, a match
 * leaves it "not assessed" (null), since grey pixels from an undeclared source prove nothing.
 */
export function assessMetadataOnly(trainedOn: DomainSpec['trainedOn'], facts: InputFacts, maxColourShare?: number): DomainAssessment {
  const reasons = metadataReasons(trainedOn, facts, maxColourShare)
  return reasons.length > 0 ? { ...NOT_ASSESSED, inDomain: false, reasons } : NOT_ASSESSED
}

/** Runs the three checks; `features` are the pooled features the head reads, `logits` the class scores. */
export function assessDomain(
  spec: DomainSpec, stats: DomainStats, features: ArrayLike<number>, logits: ArrayLike<number>, facts: InputFacts, pixelStats?: ArrayLike<number>,
): DomainAssessment {
  const reasons: string[] = []
  const score = mahalanobis(features, stats.features)
  if (!(score <= spec.threshold)) {
    reasons.push(`the model's features are far from its training images (Mahalanobis distance ${score.toFixed(1)} > threshold ${spec.threshold.toFixed(1)})`)
  }
  let pixels: DomainAssessment['pixels'] = null
  if (spec.pixelThreshold !== undefined && stats.pixels !== undefined && pixelStats !== undefined) {
    const d = mahalanobis(pixelStats, stats.pixels)
    pixels = { score: d, threshold: spec.pixelThreshold }
    if (!(d <= spec.pixelThreshold)) {
      reasons.push(`its texture is unlike ultrasound speckle (distance ${d.toFixed(1)} > threshold ${spec.pixelThreshold.toFixed(1)})`)
    }
  }
  reasons.push(...metadataReasons(spec.trainedOn, facts, spec.maxColourShare))
  let secondOpinion: DomainAssessment['secondOpinion'] = null
  if (spec.secondOpinion !== undefined) {
    const e = energy(logits)
    secondOpinion = { name: spec.secondOpinion.score, score: e, threshold: spec.secondOpinion.threshold, inDomain: e <= spec.secondOpinion.threshold }
  }
  return { inDomain: reasons.length === 0, score, threshold: spec.threshold, scoreName: spec.score, pixels, secondOpinion, reasons }
}
