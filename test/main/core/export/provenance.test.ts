// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { buildFigureSpec } from '../../../../main/core/export/figure'
import { canonicalJson, parseProvenance, provenanceSummary, PROVENANCE_SCHEMA, toAscii } from '../../../../main/core/export/provenance'
import { FAKE_PHI, request } from './fixture'

const specOf = (over = {}, view = {}) => {
  const req = request(300, 240, over, view)
  return buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
}

describe('canonical JSON', () => {
  it('sorts keys at every level, drops undefined, keeps array order, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: null, y: true }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,1,{"y":true,"z":null}]},"b":1}')
  })

  it('escapes non-ASCII so the bytes survive ASCII-only carriers, and parses back to the same value', () => {
    const text = canonicalJson({ label: 'Pékinois “ü” 日本', n: 0.1 })
    expect(text).toMatch(/^[\x20-\x7e]+$/)
    expect(JSON.parse(text)).toEqual({ label: 'Pékinois “ü” 日本', n: 0.1 })
  })

  it('is the same for equal objects built in a different key order', () => {
    expect(canonicalJson({ x: 1, y: { b: 2, a: 1 } })).toBe(canonicalJson({ y: { a: 1, b: 2 }, x: 1 }))
  })

  it('refuses NaN and Infinity instead of writing null', () => {
    expect(() => canonicalJson({ v: Number.NaN })).toThrow(RangeError)
    expect(() => canonicalJson([Infinity])).toThrow(RangeError)
  })
})

describe('figure provenance', () => {
  it('holds every field the issue lists', () => {
    const spec = specOf({}, { threshold01: 0.25, colormap: 'inferno', opacity01: 0.4 })
    const p = parseProvenance(spec.provenanceJson)
    expect(p.schema).toBe(PROVENANCE_SCHEMA)
    expect(p.model).toEqual({ id: 'vim-tiny-test', name: 'Vim-Tiny (test)', sha256: 'a'.repeat(64) })
    expect(p.app.version).toBe('0.1.0')
    expect(p.executionProvider).toBe('cpu')
    expect(p.methods[0]).toMatchObject({ id: 'mamba-rollout', parameters: { startLayer: 15, endLayer: 23, targetClass: 1 } })
    expect(p.target).toEqual({ index: 1, label: 'dog', probability: 0.875 })
    expect(p.normalisation).toMatchObject({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], modelWidth: 224, heatmap: 'min-max per map' })
    expect(p.view).toMatchObject({ colormap: 'inferno', opacity: 0.4, threshold: 0.25, layout: 'single' })
    expect(p.input.sha256).toBe('b'.repeat(64))
    expect(p.createdAt).toBe('2026-01-02T03:04:05.000Z')
    expect(p.privacy.linkageId).toBeNull()
  })

  it('puts side-by-side maps of different units on one shared scale (issue 13: honest colour)', () => {
    const p = specOf({}, { methodIds: ['mamba-rollout', 'mamba-attribution'] }).provenance
    expect(p.view.layout).toBe('side-by-side')
    expect(p.methods.map((m) => m.id)).toEqual(['mamba-rollout', 'mamba-attribution'])
    // The fixture's attribution map is ~250× smaller than the rollout map; relative to their means they share one range.
    expect(p.methods[1]!.valueRange).toEqual(p.methods[0]!.valueRange)
    expect(p.normalisation.heatmap).toBe('shared min-max')
    expect(specOf().provenance.normalisation.heatmap).toBe('min-max per map')
  })

  it('names inputs by hash only and carries no patient value', () => {
    const spec = specOf()
    expect(spec.provenanceJson).not.toMatch(/[\\/][\w.-]+[\\/]/)
    for (const v of Object.values(FAKE_PHI.reveal())) if (v.length > 2) expect(spec.provenanceJson).not.toContain(v)
  })

  it('extra method parameters are kept; the summary is printable ASCII', () => {
    const spec = specOf({ methodParameters: { 'mamba-rollout': { smoothing: 'none', samples: 8 } } })
    expect(spec.provenance.methods[0]!.parameters).toMatchObject({ smoothing: 'none', samples: 8 })
    for (const line of provenanceSummary(spec.provenance)) expect(line).toMatch(/^[\x20-\x7e]*$/)
    expect(toAscii('Pékinois → ok')).toBe('Pekinois ? ok')
  })

  it('parseProvenance rejects other JSON', () => {
    expect(() => parseProvenance('{"schema":"other"}')).toThrow(TypeError)
  })
})
