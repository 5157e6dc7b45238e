// @vitest-environment node
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { summariseCard } from '../../../../main/core/ui/model-card'

describe('summariseCard', () => {
  it('shows intended use, data and test metrics with intervals from the default model card', () => {
    const card = JSON.parse(readFileSync(new URL('../../../../models/vim-busbra-d12.json', import.meta.url), 'utf8')) as Record<string, unknown>
    const s = summariseCard(card, 'x')
    expect(s.intendedUse).toMatch(/not for diagnosis/i)
    expect(s.data).toMatch(/BUS-BRA/)
    expect(s.testMetrics.map((m) => m.label)).toEqual(['AUC', 'Sensitivity', 'Specificity', 'Balanced accuracy'])
    expect(s.testMetrics[0]!.value).toMatch(/^0\.\d{3} \(95% CI 0\.\d{3}–0\.\d{3}\)$/)
    expect(s.limitations.length).toBeGreaterThan(0)
  })

  it('tolerates a bare exporter card', () => {
    const s = summariseCard({ name: 'vim-tiny-conformance', classes: [] }, 'fallback')
    expect(s).toMatchObject({ name: 'vim-tiny-conformance', intendedUse: null, testMetrics: [], limitations: [] })
    expect(summariseCard({}, 'fallback').name).toBe('fallback')
  })
})
