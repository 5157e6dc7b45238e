// @vitest-environment jsdom
/**
 * Panels render from the stores with labelled, keyboard-reachable controls (jsdom; the Konva canvas itself is
 * covered by the e2e run in Chromium).
 */
import { act } from 'react'
import { describe, expect, it } from 'vitest'
import { ErrorNote } from '../../renderer/src/panels/ErrorNote'
import { HeatmapSummary } from '../../renderer/src/panels/HeatmapSummary'
import { MethodPicker } from '../../renderer/src/panels/MethodPicker'
import { OverlayControls } from '../../renderer/src/panels/OverlayControls'
import { PredictionPanel } from '../../renderer/src/panels/PredictionPanel'
import { ProgressOverlay } from '../../renderer/src/panels/ProgressOverlay'
import { scaleMaps } from '../../main/core/scene/panel-scene'
import { scene, session } from '../../renderer/src/state/session'
import { render, unlabeled, useReactDom } from './helpers/dom'

const TOP_VERDICT = { label: 'tabby', classIndex: 4, probability: 0.8, threshold: null, positiveClass: null, positiveLabel: null, reliable: true }
const NO_TRUST = { domain: { inDomain: null, score: null, threshold: null, scoreName: null, pixels: null, secondOpinion: null, reasons: [] }, agreement: {}, evaluated: {} }

describe('panels', () => {
  useReactDom()

  it('the method picker opens the shipped method note (plain words + spec section), a corrected variant its official note', () => {
    const info = (id: string, official: boolean) => ({ id, label: id, classSpecific: true, spec: 'ALGORITHMS.md §3.4', official, description: 'd' })
    session.set({ methods: [info('mamba-attribution', true), info('mamba-attribution-corrected', false)], methodId: 'mamba-attribution-corrected' })
    const el = render(<MethodPicker />)
    expect(unlabeled(el)).toEqual([])
    const text = el.querySelector('[data-testid=method-notes]')?.textContent ?? ''
    expect(text).toContain('In plain words')
    expect(text).toContain('3.4 Mamba-Attribution (H-MA, class-specific)')
    expect(text).toContain('3.1 Shared post-processing')
  })

  it('prediction lists the top classes as buttons that say what they do', () => {
    session.set({
      result: { runId: 'r', modelId: 'm', provider: 'cpu', targetClass: 4, timings: {}, inputMapping: {}, verdict: TOP_VERDICT, trust: NO_TRUST, topK: [
        { index: 4, label: 'tabby', logit: 2, probability: 0.8 },
        { index: 7, label: 'lynx', logit: 1, probability: 0.15 },
      ] },
    })
    const el = render(<PredictionPanel />)
    const buttons = el.querySelectorAll('button')
    expect(buttons).toHaveLength(2)
    expect(buttons[0]?.getAttribute('aria-pressed')).toBe('true')
    expect(buttons[1]?.getAttribute('aria-label')).toMatch(/lynx, 15.0 percent. Explain this class/)
    expect(el.querySelector('[data-testid=explained-class]')?.textContent).toBe('tabby')
  })

  it('overlay controls are labelled and drive the scene, not React state', () => {
    const el = render(<OverlayControls />)
    expect(unlabeled(el)).toEqual([])
    const colormap = el.querySelector<HTMLSelectElement>('#colormap')!
    expect(colormap.value).toBe('viridis')
    expect(Array.from(colormap.options).map((o) => o.value)).toEqual(['viridis', 'inferno', 'jet'])
    act(() => scene.setStyle({ colormap: 'jet' }))
    expect(el.textContent).toMatch(/not perceptually uniform/)
    act(() => scene.setStyle({ colormap: 'viridis' }))
  })

  it('errors are announced with what happened and what to do', () => {
    session.set({ error: { context: 'image', title: 'Could not open “x.png”.', error: { code: 'image/decode-failed', message: 'The file may be damaged. Export it again and retry.' } } })
    const el = render(<ErrorNote />)
    const alert = el.querySelector('[role=alert]')
    expect(alert?.textContent).toContain('x.png')
    expect(alert?.textContent).toContain('Export it again')
    expect(unlabeled(el)).toEqual([])
    act(() => session.set({ error: null }))
  })

  it('progress appears only once a run passes the delay, with a Cancel button', () => {
    session.set({ busy: { kind: 'explain', requestId: 'q', label: 'Explaining', stage: 'graph', fraction: 0.4, showProgress: false } })
    const el = render(<ProgressOverlay />)
    expect(el.querySelector('[data-testid=progress]')).toBeNull()
    act(() => session.set({ busy: { ...session.get().busy!, showProgress: true } }))
    expect(el.querySelector('[data-testid=cancel-run]')?.textContent).toBe('Cancel')
    expect(el.querySelector('progress')?.getAttribute('value')).toBe('40')
    act(() => session.set({ busy: null }))
  })

  it('the heatmap summary is a live region in words', () => {
    const relevance = new Float32Array(196).fill(0.01)
    relevance[0] = 1
    act(() => {
      scene.setResult({ width: 224, height: 224, data: new Uint8Array(3) }, { crop: { x: 0, y: 0, width: 224, height: 224 }, modelWidth: 224, modelHeight: 224 }, { gridRows: 14, gridCols: 14 }, '')
      scene.setPanes([{ label: 'Rollout · cat', runId: 'r', methodId: 'mamba-rollout', map: scaleMaps([{ heatmap: new Float32Array(4), width: 2, height: 2, degenerate: false }])[0]!, patchRelevance: relevance, ranks: new Uint16Array(196) }])
    })
    const el = render(<HeatmapSummary />)
    const p = el.querySelector('[data-testid=heatmap-summary]')
    expect(p?.getAttribute('aria-live')).toBe('polite')
    expect(p?.textContent).toMatch(/^Rollout · cat: most relevance is in the top-left/)
  })
})
