// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { attentionFactorsFromTaps } from '../../../../main/core/attention/factors'
import { attentionRow } from '../../../../main/core/attention/row-col'
import { drilldownVectors } from '../../../../main/core/attention/drilldown'
import { syntheticModel, syntheticTaps } from '../explain/synthetic'

const taps = syntheticTaps(syntheticModel(31))
const f = attentionFactorsFromTaps(taps)
const L = f.tokens

describe('drill-down', () => {
  it('drill-down gives rows/cols for every layer and both directions as float32', () => {
    const d = drilldownVectors(f, 5)
    expect(d.rows.length).toBe(f.layers)
    expect(d.cols.length).toBe(f.layers)
    const row = attentionRow(f, 4, 1, 5)
    expect(Array.from(d.rows[4]![1])).toEqual(Array.from(Float32Array.from(row)))
    expect(d.cols[2]![0].length).toBe(L)
  })
})
