// @vitest-environment jsdom
/** The drill-down thumbnails share one scale, shown as a colour bar (renderer/src/panels/AttentionGrid.tsx). */
import { describe, expect, it } from 'vitest'
import type { DrilldownResultDto } from '../../preload/contract'
import { sharedThumbnailMax } from '../../renderer/src/canvas/bitmaps'
import { AttentionGrid } from '../../renderer/src/panels/AttentionGrid'
import { render, useReactDom } from './helpers/dom'

// A 2 × 2 grid: five tokens, CLS in the middle (token 2), patch p is token p < 2 ? p : p + 1.
const v = (...xs: number[]): Float32Array => Float32Array.from(xs)

describe('AttentionGrid', () => {
  useReactDom()

  it('one scale for every layer, direction and kind: the largest magnitude outside the pinned patch and CLS', () => {
    const result: DrilldownResultDto = {
      runId: 'r', token: 0, patch: 0, durationMs: 1, profile: {},
      // Patch 0's own attention (9) and CLS (50) are left out; the largest elsewhere is −0.8 (a "from", backward, layer 1).
      rows: [[v(9, 0.1, 50, 0.2, 0.3), v(9, 0.05, 50, 0.1, 0.1)], [v(9, 0.4, 50, 0.1, 0.1), v(9, 0.1, 50, 0.1, 0.2)]],
      cols: [[v(9, 0.1, 50, 0.1, 0.1), v(9, 0.1, 50, 0.1, 0.1)], [v(9, 0.1, 50, 0.1, 0.1), v(9, -0.8, 50, 0.1, 0.1)]],
    }
    const el = render(<AttentionGrid result={result} gridRows={2} gridCols={2} colormap="viridis" requestedAt={0} respondedAt={0} />)
    const scale = el.querySelector('[data-testid=thumb-scale]')
    expect(Number(scale?.getAttribute('data-max'))).toBeCloseTo(0.8, 6)
    expect(scale?.textContent).toContain('one scale for all thumbnails')
    expect(el.querySelectorAll('canvas[data-layer]')).toHaveLength(2 * 4)
  })

  it('sharedThumbnailMax ignores the pinned patch and non-finite values', () => {
    expect(sharedThumbnailMax([v(5, 0.2, Number.NaN), v(7, -0.3, 0.1)], 0)).toBeCloseTo(0.3, 6)
    expect(sharedThumbnailMax([], 0)).toBe(0)
  })
})
