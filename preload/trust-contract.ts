/**
 * The trust part of the IPC contract (docs/TRUST.md): verdict and trust DTOs (mirroring
 * main/core/trust/types.ts) and the `explain:faithfulness` channel. Added to contract.ts by module
 * augmentation because contract.ts must stay import-free and under the 300-line limit; like it, this file
 * imports nothing at run time (types only), so the sandboxed preload bundle is unchanged.
 */
import type { Result } from './contract'

export interface VerdictDto {
  readonly label: string; readonly classIndex: number; readonly probability: number; readonly threshold: number | null
  readonly positiveClass: number | null; readonly positiveLabel: string | null; readonly reliable: boolean
}

export interface DomainAssessmentDto {
  readonly inDomain: boolean | null; readonly score: number | null; readonly threshold: number | null; readonly scoreName: string | null
  readonly pixels: { readonly score: number; readonly threshold: number } | null
  readonly secondOpinion: { readonly name: string; readonly score: number; readonly threshold: number; readonly inDomain: boolean } | null
  readonly reasons: readonly string[]
}

export interface MethodAgreementDto {
  readonly methodId: string; readonly spearman: Readonly<Record<string, number>>; readonly topKOverlap: Readonly<Record<string, number>>
  readonly k: number; readonly medianSpearman: number | null
}

export interface EvaluatedRecordDto {
  readonly evaluated: boolean; readonly dataset?: string; readonly sanityPass?: boolean; readonly spearmanFullyRandomised?: number
  readonly classContrastPass?: boolean; readonly classContrastSpearman?: number; readonly deletionAuc?: number
  readonly randomDeletionAuc?: number; readonly pointingGame?: number
}

export interface RunTrustDto {
  readonly domain: DomainAssessmentDto
  readonly agreement: Readonly<Record<string, MethodAgreementDto>>
  readonly evaluated: Readonly<Record<string, EvaluatedRecordDto>>
}

export interface FaithfulnessCheckDto {
  readonly methodId: string; readonly classIndex: number; readonly original: number; readonly margin: number
  readonly points: readonly { readonly fraction: number; readonly patches: number; readonly relevant: number; readonly random: number }[]
  readonly fill: string; readonly randomSeed: number; readonly durationMs: number
}

/** Quick deletion check of one map of a run. */
export interface FaithfulnessRequest { readonly runId: string; readonly methodId: string }

declare module './contract' {
  interface ExplainResultDto {
    /** The decision at the card's operating point, marked unreliable out of domain. */
    readonly verdict: VerdictDto
    readonly trust: RunTrustDto
  }
  interface InvokeContract {
    'explain:faithfulness': { req: FaithfulnessRequest; res: FaithfulnessCheckDto | null }
  }
  interface RendererApi {
    /** Quick deletion check of the shown map; null when the model has no classifier graph. */
    faithfulness(req: FaithfulnessRequest): Promise<Result<FaithfulnessCheckDto | null>>
  }
}
