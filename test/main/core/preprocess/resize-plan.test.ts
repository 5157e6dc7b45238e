// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { planResize, roundHalfEven } from '../../../../main/core/preprocess/resize-plan'

describe('planResize', () => {
  it('resize-shorter-center-crop follows torchvision Resize(224) + CenterCrop(224)', () => {
    // 640×480: shorter side 480 → 224, longer int(224·640/480) = 298; left = round((298−224)/2) = 37
    const p = planResize(640, 480, 224, 224, 'resize-shorter-center-crop')
    expect([p.resizeWidth, p.resizeHeight, p.cropLeft, p.cropTop, p.kernel]).toEqual([298, 224, 37, 0, 'linear'])
    expect(p.crop.x).toBeCloseTo(37 * (640 / 298), 10)
    expect(p.crop.width).toBeCloseTo(224 * (640 / 298), 10)
    expect(p.crop.height).toBeCloseTo(480, 10)
  })

  it('truncates the long side and rounds the crop half to even, like Python', () => {
    // 300×225 (4:3) → 298.66 → 298; 225 wide portrait: 225×301 → 224×299, top = round(37.5) = 38
    expect(planResize(300, 225, 224, 224, 'resize-shorter-center-crop').resizeWidth).toBe(298)
    const q = planResize(225, 301, 224, 224, 'resize-shorter-center-crop')
    expect([q.resizeWidth, q.resizeHeight, q.cropTop]).toEqual([224, 299, 38])
    expect(roundHalfEven(0.5)).toBe(0)
    expect(roundHalfEven(1.5)).toBe(2)
    expect(roundHalfEven(2.5)).toBe(2)
    expect(roundHalfEven(-1.5)).toBe(-2)
  })

  it('resize-256-center-crop resizes the shorter side to 256 with bicubic', () => {
    const p = planResize(512, 512, 224, 224, 'resize-256-center-crop')
    expect([p.resizeWidth, p.resizeHeight, p.cropLeft, p.cropTop, p.kernel]).toEqual([256, 256, 16, 16, 'cubic'])
    expect(p.crop).toEqual({ x: 32, y: 32, width: 448, height: 448 })
  })

  it('stretch keeps the whole image', () => {
    const p = planResize(640, 480, 224, 224, 'stretch')
    expect(p.crop).toEqual({ x: 0, y: 0, width: 640, height: 480 })
    expect([p.resizeWidth, p.resizeHeight, p.cropLeft, p.cropTop]).toEqual([224, 224, 0, 0])
  })

  it('refuses an empty image', () => {
    expect(() => planResize(0, 10, 224, 224, 'stretch')).toThrow()
  })
})
