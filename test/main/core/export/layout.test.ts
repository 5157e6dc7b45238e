// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { buildFigureSpec, figureLayout } from '../../../../main/core/export/figure'
import { layoutFigure, panelSize, type Rect, type TextItem } from '../../../../main/core/export/layout'
import { panelTitle, wrapText } from '../../../../main/core/export/text'
import { methods } from '../../../../main/core/explain/registry'
import { request } from './fixture'

const specOf = (w: number, h: number, view = {}, over = {}) => {
  const req = request(w, h, over, view)
  return buildFigureSpec(req, { createdAt: req.createdAt!, linkageId: null })
}

/** Generous text box: 0.62 em per glyph, 0.8 em above and 0.3 em below the baseline. */
function textBox(t: TextItem): Rect {
  const w = t.text.length * 0.62 * t.size
  const x = t.anchor === 'start' ? t.x : t.anchor === 'middle' ? t.x - w / 2 : t.x - w
  return { x, y: t.y - 0.8 * t.size, width: w, height: 1.1 * t.size }
}

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

describe('figure layout', () => {
  it.each([
    [224, 224, 224, 224],
    [512, 400, 512, 400],
    [2048, 1024, 512, 256],
    [64, 32, 224, 112],
  ])('panel of a %i×%i picture is %i×%i at 1×', (w, h, pw, ph) => {
    expect(panelSize(w, h)).toEqual({ width: pw, height: ph })
  })

  it('2× is the 1× layout doubled exactly', () => {
    const spec = specOf(300, 240, { methodIds: ['mamba-rollout', 'mamba-attribution'] })
    const l1 = figureLayout(spec, 1)
    const l2 = figureLayout(spec, 2)
    expect([l2.width, l2.height]).toEqual([l1.width * 2, l1.height * 2])
    l1.panels.forEach((p, i) => {
      const q = l2.panels[i]!
      expect(q.image).toEqual({ x: p.image.x * 2, y: p.image.y * 2, width: p.image.width * 2, height: p.image.height * 2 })
      expect(q.colorBar.width).toBe(p.colorBar.width * 2)
    })
    expect(l2.texts.map((t) => t.text)).toEqual(l1.texts.map((t) => t.text))
  })

  it('side-by-side panels sit in one row with a gap and the same size', () => {
    const l = figureLayout(specOf(300, 240, { methodIds: ['mamba-rollout', 'mamba-attribution'] }), 1)
    const [a, b] = l.panels
    expect(b!.image.y).toBe(a!.image.y)
    expect(b!.image.x).toBe(a!.image.x + a!.image.width + 16)
    expect(l.width).toBe(16 + 300 + 16 + 300 + 16)
  })

  it('no text overlaps an image panel or a colour bar, and all text is inside the figure', () => {
    for (const spec of [specOf(224, 224, {}, { caption: 'A long user caption '.repeat(12) }), specOf(700, 300, { methodIds: ['mamba-rollout', 'mamba-attribution'] }), specOf(40, 400)]) {
      for (const scale of [1, 2]) {
        const l = figureLayout(spec, scale)
        for (const t of l.texts) {
          const box = textBox(t)
          for (const p of l.panels) {
            expect(overlaps(box, p.image), `${t.role} "${t.text}" over image`).toBe(false)
            expect(overlaps(box, p.colorBar), `${t.role} "${t.text}" over colour bar`).toBe(false)
          }
          expect(t.y).toBeLessThan(l.height)
          if (t.role === 'caption' || t.role === 'header' || t.role === 'footer') expect(box.x + box.width).toBeLessThanOrEqual(l.width + 1)
        }
      }
    }
  })

  it('has the labels the issue asks for: class and probability, layers, method, model, ticks with the value range', () => {
    const l = figureLayout(specOf(300, 240), 1)
    const all = l.texts.map((t) => t.text).join(' | ').replace(/\u00a0/g, ' ')
    expect(all).toContain('Vim-Tiny (test)')
    expect(all).toContain('“dog”')
    expect(all).toContain('p = 0.875')
    expect(all).toContain('layers 15–23')
    expect(all).toContain('Mamba-Rollout')
    const ticks = l.texts.filter((t) => t.role === 'tick')
    expect(ticks).toHaveLength(3)
    expect(ticks[2]!.text).toBe('1.08')
  })

  it('panel titles wrap instead of being cut: every method label, flagged flat, is readable whole at the narrowest panel', () => {
    // Issue 15: "LRP-gated attention (o…". The narrowest panel is 224 px (a 224 model input, or 2 side by side).
    for (const m of methods) {
      const title = panelTitle(m.label, false, true)
      const input = { imageWidth: 224, imageHeight: 224, header: ['h'], panelTitles: [title, 'Raw'], panelTicks: [[], []], barNames: ['', ''], caption: '', footer: '' }
      const l = layoutFigure(input, 1)
      const lines = l.texts.filter((t) => t.role === 'title' && t.x === l.panels[0]!.image.x)
      expect(lines.map((t) => t.text).join(' ')).toBe(title)
      expect(lines.every((t) => !t.text.includes('…') && t.text.length * 0.62 * t.size <= l.panels[0]!.image.width)).toBe(true)
      // Side-by-side pictures stay level, and the last title line sits just above its picture.
      expect(l.panels[1]!.image.y).toBe(l.panels[0]!.image.y)
      expect(Math.max(...lines.map((t) => t.y))).toBe(l.panels[0]!.image.y - 5)
    }
    const long = layoutFigure({ imageWidth: 224, imageHeight: 224, header: [], panelTitles: ['LRP-gated attention (ours) (nearly flat map)'], panelTicks: [[]], barNames: [''], caption: '', footer: '' }, 1)
    expect(long.texts.filter((t) => t.role === 'title').map((t) => t.text)).toEqual(['LRP-gated attention (ours)', '(nearly flat map)'])
    expect(long.panels[0]!.image.y).toBe(16 + 8 + 2 * Math.round(13 * 1.4))
  })

  it('rejects non-integer scales', () => {
    expect(() => layoutFigure({ imageWidth: 10, imageHeight: 10, header: [], panelTitles: ['a'], panelTicks: [[]], barNames: [''], caption: '', footer: '' }, 1.5)).toThrow(RangeError)
  })

  it('wraps words and splits words longer than a line', () => {
    expect(wrapText('aa bb cc dd', 8)).toEqual(['aa bb cc', 'dd'])
    expect(wrapText('x'.repeat(20), 8)).toEqual(['xxxxxxxx', 'xxxxxxxx', 'xxxx'])
  })
})
