/**
 * What the engine says about how far one result can be trusted (docs/TRUST.md). Pure data: the CLI writes
 * it into its JSON, the app shows it in the trust panel, figures carry it in their header and provenance.
 */

/** The model's decision at the card's operating threshold (not the larger probability). */
export interface Verdict {
  readonly label: string
  readonly classIndex: number
  /** Probability of the card's positive class (p(malignant) for the default model); of the top class without an operating point. */
  readonly probability: number
  /** Operating threshold on `probability`; null when the card has none (then the top class wins). */
  readonly threshold: number | null
  /** Which class `probability` is about (null: the top class) and its label. */
  readonly positiveClass: number | null
  readonly positiveLabel: string | null
  /** false when the input is outside the model's domain: the verdict is then shown as unreliable. */
  readonly reliable: boolean
}

/** Out-of-distribution check of one input against the model card's `domain`. */
export interface DomainAssessment {
  /** null when the card carries no domain statistics (not assessed). */
  readonly inDomain: boolean | null
  /** Primary score (e.g. Mahalanobis distance of the pooled features); null when not assessed. */
  readonly score: number | null
  readonly threshold: number | null
  readonly scoreName: string | null
  /** Mahalanobis distance of the input's pixel statistics and its threshold (null: not assessed). */
  readonly pixels: { readonly score: number; readonly threshold: number } | null
  /** Second opinion from the logits (energy), with its own threshold. */
  readonly secondOpinion: { readonly name: string; readonly score: number; readonly threshold: number; readonly inDomain: boolean } | null
  /** Plain reasons, each one a sentence; empty when in domain. */
  readonly reasons: readonly string[]
}

/** One point of the quick deletion check: probability of the explained class with a share of patches replaced. */
export interface DeletionPoint {
  readonly fraction: number
  readonly patches: number
  /** Most relevant patches first. */
  readonly relevant: number
  /** The same number of randomly chosen patches. */
  readonly random: number
}

/** Quick deletion check of one map (a handful of perturbed inputs through the classifier graph). */
export interface FaithfulnessCheck {
  readonly methodId: string
  readonly classIndex: number
  /** Probability of the explained class on the unperturbed input. */
  readonly original: number
  readonly points: readonly DeletionPoint[]
  /** Mean over the points of (random − relevant): > 0 when the map's patches matter more than random ones. */
  readonly margin: number
  readonly fill: string
  /** Seed of the random control's patches, derived from the input (the same image gets the same patches). */
  readonly randomSeed: number
  readonly durationMs: number
}

/** How the shown method's map agrees with the other methods of the same run. */
export interface MethodAgreement {
  readonly methodId: string
  /** Spearman rank correlation with each other method's patch relevance. */
  readonly spearman: Readonly<Record<string, number>>
  /** Share of the top-k patches the two maps have in common (k = 10 % of the patches). */
  readonly topKOverlap: Readonly<Record<string, number>>
  readonly k: number
  /** Median Spearman over the other methods (null when there is no other method). */
  readonly medianSpearman: number | null
}

/** The method's record from the model card's `evaluation.methods` (absent: not evaluated). */
export interface EvaluatedRecord {
  readonly evaluated: boolean
  readonly dataset?: string
  readonly sanityPass?: boolean
  readonly spearmanFullyRandomised?: number
  readonly classContrastPass?: boolean
  readonly classContrastSpearman?: number
  readonly deletionAuc?: number
  readonly randomDeletionAuc?: number
  readonly pointingGame?: number
  /** Images behind each number (the evaluation runs the costly tests on fewer): localisation, randomisation, deletion. */
  readonly n?: number
  readonly sanityN?: number
  readonly perturbationN?: number
}

export type TrustLabel = 'pass' | 'warn' | 'fail'

/** Trust facts of one run that every method shares, plus per-method agreement and evaluation records. */
export interface RunTrust {
  readonly domain: DomainAssessment
  /** methodId → agreement of its map with the other maps of the run. */
  readonly agreement: Readonly<Record<string, MethodAgreement>>
  /** methodId → its record in the card's `evaluation.methods` (or not evaluated). */
  readonly evaluated: Readonly<Record<string, EvaluatedRecord>>
}
