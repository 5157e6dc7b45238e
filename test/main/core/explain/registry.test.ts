// @vitest-environment node
/**
 * Registry-wide contract tests, generated from `registry.ts` (STYLE §2.8): every method returns finite
 * values of the right shape, is deterministic, does not mutate its inputs, refuses missing taps and
 * reads nothing it does not declare; class-specific methods depend on the target.
 */
import { describe, expect, it } from 'vitest'
import { getMethod, isMethodId, methodInfo, methods, methodsSupportedBy } from '../../../../main/core/explain/registry'
import { runMethod } from '../../../../main/core/explain/run'
import { restrictTaps } from '../../../../main/core/explain/taps'
import { AppError } from '../../../../main/core/errors'
import type { MethodInfo } from '../../../../main/core/engine/api'
import { snapshot, syntheticModel, syntheticTaps } from './synthetic'

const size = { width: 20, height: 12 }
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return e instanceof AppError ? e.code : 'not-app-error'
  }
  return undefined
}

describe('registry', () => {
  it('has unique kebab-case ids, spec references and labels', () => {
    const ids = methods.map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const m of methods) {
      expect(m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(m.spec).toMatch(/§\d/)
      expect(m.label.length).toBeGreaterThan(2)
      expect(m.description.length).toBeGreaterThan(20)
      const info: MethodInfo = methodInfo(m) // compile-time: the DTO shape of engine/api.ts
      expect(info).toEqual({
        id: m.id, label: m.label, classSpecific: m.classSpecific, spec: m.spec, official: m.official, description: m.description,
      })
    }
    expect(ids).toEqual(expect.arrayContaining([
      'raw-attention', 'mamba-rollout', 'mamba-attribution', 'uia', 'mamba-lrp', 'random-baseline',
      'raw-attention-corrected', 'mamba-rollout-corrected', 'mamba-attribution-corrected',
    ]))
  })

  it('getMethod / isMethodId / methodsSupportedBy', () => {
    expect(getMethod('uia').id).toBe('uia')
    expect(isMethodId('uia')).toBe(true)
    expect(isMethodId('gradcam')).toBe(false)
    expect(codeOf(() => getMethod('gradcam'))).toBe('explain/unknown-method')
    const ids = methodsSupportedBy(['hma_mean', 'hma_range']).map((m) => m.id)
    expect(ids).toEqual(['raw-attention', 'mamba-rollout', 'random-baseline'])
  })
})

describe.each(methods.map((m) => [m.id, m] as const))('contract: %s', (_id, method) => {
  const model = syntheticModel(21)
  const taps = syntheticTaps(model, 0)

  it('returns finite values of the right shape', () => {
    const out = runMethod(method, taps, {}, size)
    expect(out.methodId).toBe(method.id)
    expect(out.tokens.length).toBe(taps.layout.tokens)
    expect(out.patchRelevance.length).toBe(taps.layout.patches)
    expect(out.heatmap.length).toBe(size.width * size.height)
    expect([out.heatmapWidth, out.heatmapHeight]).toEqual([size.width, size.height])
    for (const arr of [out.tokens, out.patchRelevance, out.heatmap]) expect(arr.every(Number.isFinite)).toBe(true)
    expect(out.patchRelevance.every((v) => v >= 0)).toBe(true)
    expect(out.degenerate).toBe(false)
  })

  it('is deterministic', () => {
    const a = runMethod(method, taps, {}, size)
    const b = runMethod(method, taps, {}, size)
    expect(b.tokens).toEqual(a.tokens)
    expect(b.heatmap).toEqual(a.heatmap)
  })

  it('does not mutate its inputs', () => {
    const before = snapshot(taps)
    runMethod(method, taps, {}, size)
    method.explain(taps, {})
    expect(snapshot(taps)).toEqual(before)
  })

  it('works with exactly its declared taps (reads nothing undeclared)', () => {
    const only = restrictTaps(taps, method.needs)
    expect(method.explain(only).tokens).toEqual(method.explain(taps).tokens)
  })

  it.each(method.needs.map((t) => [t]))('refuses a tap set without %s', (tap) => {
    const missing = restrictTaps(taps, method.needs.filter((t) => t !== tap))
    expect(codeOf(() => runMethod(method, missing, {}, size))).toBe('explain/missing-tap')
    expect(codeOf(() => method.explain(missing))).toBe('explain/missing-tap')
  })

  it('class-specific methods differ between targets; class-agnostic ones do not', () => {
    const other = syntheticTaps(model, 2)
    const a = method.explain(taps).tokens
    const b = method.explain(other).tokens
    let diff = 0
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!))
    if (method.classSpecific) expect(diff).toBeGreaterThan(1e-6)
    else expect(diff).toBe(0)
  })

  it('layer range: used only where declared; out-of-range layers are refused', () => {
    const a = method.explain(taps, { startLayer: 4 }).tokens
    const b = method.explain(taps).tokens
    expect(a.some((v, i) => v !== b[i])).toBe(method.usesLayerRange)
    if (method.usesLayerRange) expect(codeOf(() => method.explain(taps, { endLayer: 99 }))).toBe('explain/layer-range')
  })
})
