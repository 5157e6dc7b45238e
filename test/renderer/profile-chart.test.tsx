// @vitest-environment jsdom
/** The drill-down's contribution chart (renderer/src/panels/ProfileChart.tsx): every series tells itself apart. */
import { describe, expect, it } from 'vitest'
import { ProfileChart } from '../../renderer/src/panels/ProfileChart'
import { render, useReactDom } from './helpers/dom'

describe('ProfileChart', () => {
  useReactDom()

  it('gives twelve series twelve distinct strokes, in the lines and in the legend', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `m${i}`)
    const profile = Object.fromEntries(ids.map((id, i) => [id, Float32Array.from({ length: 24 }, (_, l) => Math.sin(l + i))]))
    const el = render(<ProfileChart profile={profile} layers={24} labels={{}} />)
    const style = (e: Element): string => `${e.getAttribute('stroke')}|${e.getAttribute('stroke-dasharray') ?? ''}`
    const lines = [...el.querySelectorAll('polyline')].map(style)
    expect(new Set(lines).size).toBe(12)
    const legend = [...el.querySelectorAll('figcaption line')].map(style)
    expect(legend).toEqual(lines)
  })
})
