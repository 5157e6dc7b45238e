import { describe, expect, it } from 'vitest'
import { assessDomain, colourShare, type DomainSpec } from '../../../../main/core/trust/domain'
import { fitGaussian } from '../../../../main/core/trust/gaussian'
import { evaluatedRecord, trustLabel, type TrustInputs } from '../../../../main/core/trust/label'
import type { FaithfulnessCheck } from '../../../../main/core/trust/types'

const R = Math.SQRT2
// Variance 1 on both axes (2·2/4), no correlation: the identity covariance; one class mean at the origin.
const G = fitGaussian([[R, 0], [-R, 0], [0, R], [0, -R]], [0, 0, 0, 0], 1, 0)
const S = { features: G, pixels: G }
const SPEC: DomainSpec = { trainedOn: { modality: 'US', colour: 'grey' }, score: 'mahalanobis', threshold: 2, secondOpinion: { score: 'energy', threshold: -1 } }

describe('domain guard decision', () => {
  it('colourShare counts pixels whose channels spread by more than 24', () => {
    expect(colourShare(Uint8Array.from([10, 10, 10, 0, 25, 0, 0, 24, 0, 200, 100, 0]))).toBe(0.5)
    expect(colourShare(new Uint8Array(0))).toBe(0)
  })

  it('in domain: close features, matching modality, grey', () => {
    const d = assessDomain(SPEC, S, [1, 1], [0, 3], { modality: 'US', colourShare: 0 })
    expect(d.inDomain).toBe(true)
    expect(d.score).toBeCloseTo(Math.SQRT2, 12)
    expect(d.reasons).toEqual([])
    expect(d.secondOpinion?.inDomain).toBe(true) // energy −3.05 ≤ −1
  })

  it('each check alone puts the input out of domain, with its reason', () => {
    expect(assessDomain(SPEC, S, [3, 0], [0, 3], { colourShare: 0 }).reasons).toEqual(['the model\'s features are far from its training images (Mahalanobis distance 3.0 > threshold 2.0)'])
    expect(assessDomain(SPEC, S, [0, 0], [0, 3], { modality: 'CT', colourShare: 0 }).reasons).toEqual(['the file says its modality is CT; the model was trained on US'])
    const colour = assessDomain(SPEC, S, [0, 0], [0, 3], { colourShare: 0.5 })
    expect(colour.inDomain).toBe(false)
    expect(colour.reasons[0]).toMatch(/50.0 % of the pixels are coloured/)
    // An undeclared modality (PNG, NIfTI) is not a reason.
    expect(assessDomain(SPEC, S, [0, 0], [0, 3], { modality: '', colourShare: 0 }).inDomain).toBe(true)
  })

  it('the pixel check decides on its own once the card gives its threshold, and is off without one', () => {
    const spec = { ...SPEC, pixelThreshold: 2 }
    const far = assessDomain(spec, S, [0, 0], [0, 3], { colourShare: 0 }, [0, 3])
    expect(far.inDomain).toBe(false)
    expect(far.pixels).toEqual({ score: 3, threshold: 2 })
    expect(far.reasons).toEqual(['its texture is unlike ultrasound speckle (distance 3.0 > threshold 2.0)'])
    expect(assessDomain(spec, S, [0, 0], [0, 3], { colourShare: 0 }, [1, 1]).inDomain).toBe(true)
    const off = assessDomain(SPEC, S, [0, 0], [0, 3], { colourShare: 0 }, [0, 3])
    expect(off.inDomain).toBe(true)
    expect(off.pixels).toBeNull()
  })

  it('energy is only a second opinion: it does not decide', () => {
    const d = assessDomain(SPEC, S, [0, 0], [0, 0], { colourShare: 0 })
    expect(d.secondOpinion?.inDomain).toBe(false)
    expect(d.inDomain).toBe(true)
  })
})

const FAITHFUL: FaithfulnessCheck = {
  methodId: 'm', classIndex: 1, original: 0.81, margin: 0.4, fill: 'grey', randomSeed: 0, durationMs: 1,
  points: [{ fraction: 0.1, patches: 20, relevant: 0.22, random: 0.78 }],
}
const base: TrustInputs = {
  domain: { inDomain: true, score: 1, threshold: 2, scoreName: 'mahalanobis', pixels: null, secondOpinion: null, reasons: [] },
  degenerate: false, faithfulness: FAITHFUL, agreement: null,
  evaluated: { evaluated: true, sanityPass: true, classContrastPass: true },
}

describe('trust label', () => {
  it('pass names the deletion check', () => {
    const t = trustLabel(base)
    expect(t.label).toBe('pass')
    expect(t.reason).toBe('in domain; removing the top 10 % of patches moves p from 0.81 to 0.22 (random patches: 0.78)')
  })

  it('fail whenever the input is out of domain', () => {
    const t = trustLabel({ ...base, domain: { ...base.domain, inDomain: false, reasons: ['the file says its modality is CT; the model was trained on US'] } })
    expect(t.label).toBe('fail')
    expect(t.reason).toMatch(/outside the model's domain: the file says its modality is CT/)
  })

  it('warn for a flat map, a no-better-than-random deletion, failed sanity, no evaluation, disagreement', () => {
    expect(trustLabel({ ...base, degenerate: true }).reasons).toEqual(['the map is flat: it ranks no patch above another'])
    expect(trustLabel({ ...base, faithfulness: { ...FAITHFUL, margin: 0.01 } }).reasons[0]).toMatch(/no more than random patches \(mean margin 0.01\)/)
    expect(trustLabel({ ...base, evaluated: { evaluated: true, sanityPass: false, spearmanFullyRandomised: 0.71 } }).reasons[0]).toMatch(/barely depend on the model's weights: Spearman 0.71/)
    expect(trustLabel({ ...base, evaluated: { evaluated: false } }).reasons).toEqual(['this method was not evaluated on this model'])
    const agreement = { methodId: 'm', spearman: { x: 0.1 }, topKOverlap: { x: 0 }, k: 20, medianSpearman: 0.1 }
    expect(trustLabel({ ...base, agreement }).label).toBe('warn')
    expect(trustLabel({ ...base, domain: { ...base.domain, inDomain: null } }).reasons).toEqual(['the input\'s domain was not assessed'])
  })

  it('reads the card\'s evaluation record and tolerates its absence', () => {
    expect(evaluatedRecord(undefined, 'uia')).toEqual({ evaluated: false })
    expect(evaluatedRecord({ threshold: 0.4 }, 'uia')).toEqual({ evaluated: false })
    const ev = { dataset: 'BUS-BRA test fold 1', methods: { uia: { n: 376, sanity: { spearmanFullyRandomised: 0.71, pass: false }, classContrast: { spearman: 0.996, pass: false }, deletionAuc: 0.5, pointingGame: 0.62 } } }
    expect(evaluatedRecord(ev, 'uia')).toEqual({
      evaluated: true, dataset: 'BUS-BRA test fold 1', sanityPass: false, spearmanFullyRandomised: 0.71, classContrastPass: false, classContrastSpearman: 0.996, deletionAuc: 0.5, pointingGame: 0.62, n: 376,
    })
  })
})

describe('domain guard without feature statistics', () => {
  it('a metadata mismatch is out of domain; a match is not assessed', async () => {
    const { assessMetadataOnly } = await import('../../../../main/core/trust/domain')
    expect(assessMetadataOnly(SPEC.trainedOn, { modality: 'MR', colourShare: 0 })).toMatchObject({ inDomain: false, score: null })
    expect(assessMetadataOnly(SPEC.trainedOn, { modality: 'US', colourShare: 0 }).inDomain).toBeNull()
  })
})
