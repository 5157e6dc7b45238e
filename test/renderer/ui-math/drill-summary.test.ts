import { describe, expect, it } from 'vitest'
import { describeDrill, meanMagnitude } from '@core/ui/drill-summary'

const grid = { gridRows: 3, gridCols: 3 }

describe('drill-down in words', () => {
  it('averages magnitudes over layers and directions and leaves the pinned patch out', () => {
    const m = meanMagnitude([[[1, -2, 0, 0, 0, 0, 0, 0, 0], [1, 2, 0, 0, 0, 0, 0, 0, 4]]], 9, 0)
    expect(Array.from(m)).toEqual([0, 2, 0, 0, 0, 0, 0, 0, 2])
  })

  it('names the regions and the strongest patch 1-based, for both ways', () => {
    // Looks at the bottom-right corner (patch 9); looked at from the top-left corner (patch 2 is row 1, column 2).
    const to = [0, 0, 0, 0, 0, 0, 0, 0, 1]
    const from = [0, 1, 0, 0, 0, 0, 0, 0, 0]
    expect(describeDrill(to, from, grid, 24)).toBe(
      'This patch looks mostly at the bottom-right (100%); most of all row 3, column 3. ' +
      'It is looked at mostly from the top centre (100%); most of all row 1, column 2. ' +
      '(Hidden attention, averaged over all 24 layers and both scan directions.)',
    )
  })

  it('says so when nothing stands out', () => {
    expect(describeDrill(new Float64Array(9).fill(1), new Float64Array(9).fill(1), grid, 2)).toMatch(/^This patch looks at every other patch alike\. Every patch looks at it alike\./)
  })
})
