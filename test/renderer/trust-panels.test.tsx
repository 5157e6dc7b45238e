// @vitest-environment jsdom
/**
 * The trust UI (docs/TRUST.md): the out-of-domain banner, the verdict at the operating threshold and the
 * trust panel render from the session, and the shared colour scale of compared panes is stated in the legend.
 */
import { act } from 'react'
import { describe, expect, it } from 'vitest'
import { ColorBar } from '../../renderer/src/panels/ColorBar'
import { DomainBanner } from '../../renderer/src/panels/DomainBanner'
import { MethodPicker } from '../../renderer/src/panels/MethodPicker'
import { PredictionPanel } from '../../renderer/src/panels/PredictionPanel'
import { TrustPanel } from '../../renderer/src/panels/TrustPanel'
import { scaleMaps } from '../../main/core/scene/panel-scene'
import { scene, session, type ResultMeta } from '../../renderer/src/state/session'
import { render, unlabeled, useReactDom } from './helpers/dom'

const OOD = {
  inDomain: false, score: 57.3, threshold: 21.4, scoreName: 'mahalanobis', pixels: null, secondOpinion: null,
  reasons: ['the file says its modality is CT; the model was trained on US'],
}
const result = (inDomain: boolean): ResultMeta => ({
  runId: 'r1', modelId: 'm', provider: 'cpu', targetClass: 1, timings: {}, inputMapping: {},
  topK: [{ index: 0, label: 'benign', logit: 0, probability: 0.58 }, { index: 1, label: 'malignant', logit: -0.3, probability: 0.42 }],
  verdict: { label: 'malignant', classIndex: 1, probability: 0.418, threshold: 0.402, positiveClass: 1, positiveLabel: 'malignant', reliable: inDomain },
  trust: {
    domain: inDomain ? { ...OOD, inDomain: true, score: 10, reasons: [] } : OOD,
    agreement: { a: { methodId: 'a', spearman: { b: 0.6 }, topKOverlap: { b: 0.5 }, k: 20, medianSpearman: 0.6 } },
    evaluated: { a: { evaluated: true, sanityPass: false, spearmanFullyRandomised: 0.71 } },
  },
})
/** A pane whose map is on its own scale, or (`shared`) on the scale it shares with a second map. */
const pane = (over: { shared?: boolean; nearlyFlat?: boolean } = {}) => {
  const map = { heatmap: Float32Array.of(0, 0.2, 0.6, 1).map((v) => (over.nearlyFlat === true ? 10 + v / 10 : v)), width: 2, height: 2, degenerate: false }
  const maps = scaleMaps(over.shared === true ? [map, { ...map, heatmap: map.heatmap.map((v) => 2 * v) }] : [map])
  return { label: 'A', runId: 'r1', methodId: 'a', map: maps[0]!, patchRelevance: new Float32Array(4), ranks: new Uint16Array(4) }
}

describe('trust UI', () => {
  useReactDom()

  it('the banner appears only for an input outside the model domain, with the reason', () => {
    // The banner is the pane scene's, so there is a picture.
    scene.setImage({ width: 4, height: 4, data: new Uint8Array(48) }, 'img')
    session.set({ result: result(true), model: null })
    expect(render(<DomainBanner />).querySelector('[data-testid=domain-banner]')).toBeNull()
    act(() => session.set({ result: result(false) }))
    const el = render(<DomainBanner />)
    const banner = el.querySelector('[data-testid=domain-banner]')
    expect(banner?.getAttribute('role')).toBe('alert')
    expect(banner?.textContent).toMatch(/This image is unlike the images this model was trained on; its output means nothing here\./)
    expect(banner?.textContent).toMatch(/modality is CT/)
  })

  it('the prediction states the verdict at the operating threshold and marks it unreliable out of domain', () => {
    session.set({ result: result(true), targetClass: null })
    const el = render(<PredictionPanel />)
    expect(el.querySelector('[data-testid=verdict]')?.textContent).toBe(
      "Verdict: malignant (p(malignant) = 0.418 ≥ 0.402, the model's operating threshold)")
    act(() => session.set({ result: result(false) }))
    expect(el.querySelector('[data-testid=verdict]')?.textContent).toMatch(/unreliable: input outside the model's domain/)
  })

  it('the trust panel shows the label, deletion check, agreement and evaluated record', () => {
    scene.setPanes([pane()])
    session.set({
      result: result(true), methods: [{ id: 'b', label: 'Method B', classSpecific: true, spec: '', official: false, description: '' }],
      faithfulness: { key: 'r1|a', status: 'ready', check: { methodId: 'a', classIndex: 1, original: 0.81, margin: 0.4, fill: 'grey', randomSeed: 0, durationMs: 1, points: [{ fraction: 0.1, patches: 20, relevant: 0.22, random: 0.78 }] } },
    })
    const el = render(<TrustPanel />)
    expect(unlabeled(el)).toEqual([])
    expect(el.querySelector('[data-testid=trust-label]')?.textContent).toMatch(/^WARN — the method failed the randomisation sanity check/)
    expect(el.querySelector('[data-testid=trust-deletion]')?.textContent).toMatch(/moves p from 0.81 to 0.22; random patches: 0.78/)
    expect(el.querySelector('[data-testid=trust-agreement]')?.textContent).toBe('Median rank correlation 0.60; closest: Method B 0.60.')
    expect(el.querySelector('[data-testid=trust-evaluated]')?.textContent).toMatch(/randomisation sanity FAILED \(0.71\)/)
    act(() => session.set({ result: result(false) }))
    expect(el.querySelector('[data-testid=trust-label]')?.textContent).toMatch(/^FAIL — input outside the model's domain/)
  })

  it('the energy second opinion reads as a note that does not decide, not as a verdict on the domain', () => {
    scene.setPanes([pane()])
    const inDomain = result(true)
    const energy = { name: 'energy', score: -0.1, threshold: -0.26, inDomain: false }
    session.set({ result: { ...inDomain, trust: { ...inDomain.trust, domain: { ...inDomain.trust.domain, secondOpinion: energy } } } })
    const text = render(<TrustPanel />).querySelector('[data-testid=trust-domain]')?.textContent ?? ''
    expect(text).toMatch(/^Like the training images \(feature distance 10\.0, threshold 21\.4\); second opinion, which does not decide: the logits' energy is unusual\.$/)
    expect(text).not.toMatch(/out of domain/i)
  })

  it('the method picker shows the card\'s evaluated record of the chosen method, before any result', () => {
    // One entry of `evaluation.methods` in the evaluation's card shape (main/core/eval/card-block.ts on the eval branch).
    const evaluation = {
      methods: {
        a: {
          n: 245, sanity: { spearmanFullyRandomised: 0.71, pass: false, n: 10 }, classContrast: { spearman: 0.996, pass: false },
          deletionAuc: 0.48, insertionAuc: 0.6, randomDeletionAuc: 0.57, randomInsertionAuc: 0.57, perturbationN: 23,
          pointingGame: 0.44, massInLesion: 0.33, patchAuroc: 0.89, positionalHotspot: { share: 0.3, cell: [6, 6] },
        },
      },
    }
    const info = (id: string) => ({ id, label: id.toUpperCase(), classSpecific: true, spec: '', official: false, description: '' })
    session.set({ result: null, methods: [info('a'), info('b')], methodId: 'a', model: { card: { evaluation } } as never })
    const el = render(<MethodPicker />)
    expect(el.querySelector('[data-testid=method-evaluated]')?.textContent).toBe(
      'Evaluated on this model: randomisation sanity FAILED (0.71, n = 10); class contrast FAILED (1.00, n = 245); deletion AUC 0.48 (random 0.57, n = 23); pointing game 0.44 (n = 245).')
    act(() => session.set({ methodId: 'b' }))
    expect(el.querySelector('[data-testid=method-evaluated]')?.textContent).toBe('Not evaluated on this model.')
  })

  it('the colour bar states the scale mode and flags a nearly flat map', () => {
    // The bar belongs to the pane's scene, so there is a picture under it.
    scene.setImage({ width: 4, height: 4, data: new Uint8Array(48) }, 'img')
    scene.setPanes([pane({ nearlyFlat: true }), pane({ shared: true })])
    const a = render(<ColorBar paneIndex={0} />)
    expect(a.querySelector('[data-testid=colorbar-scale-0]')?.textContent).toBe('own min–max scale: not comparable')
    expect(a.querySelector('[data-testid=colorbar-scale-0]')?.getAttribute('title')).toMatch(/colours not comparable between maps/)
    expect(a.querySelector('[data-testid=nearly-flat-0]')).not.toBeNull()
    const b = render(<ColorBar paneIndex={1} />)
    expect(b.querySelector('[data-testid=colorbar-scale-1]')?.textContent).toBe('shared scale: comparable')
  })
})
