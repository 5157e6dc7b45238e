// @vitest-environment node
/**
 * Burned-in text finder on ultrasound-like pictures: text rendered by librsvg (through sharp) over a black
 * surround is found and masked; speckled tissue alone, and a plain gradient, give nothing.
 */
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { findBurnedInText, maskRegions } from '../../../../main/core/image/burned-in-text'
import type { Rgb8Image } from '../../../../main/core/image/types'
import { mulberry32 } from '../../../../main/core/tensor/prng'

const W = 320
const H = 240

/** A fan of speckle (gamma-like noise, mean ~90) inside a black surround, as an ultrasound screen shows it. */
function ultrasound(seed = 7): Rgb8Image {
  const rnd = mulberry32(seed)
  const data = new Uint8Array(W * H * 3)
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const dx = x - W / 2
    const inFan = y > 40 && y < H - 10 && Math.abs(dx) < (y - 30) * 0.8
    const v = inFan ? Math.min(255, Math.round(-Math.log(1 - rnd() * 0.999) * 90)) : 0
    data.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3)
  }
  return { width: W, height: H, data }
}

/** `img` with text drawn on it by librsvg, as a scanner burns its annotations in. */
async function withText(img: Rgb8Image, lines: readonly { text: string; x: number; y: number; size: number }[]): Promise<Rgb8Image> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${lines
    .map((l) => `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans, sans-serif" font-size="${l.size}" fill="#e6e6e6">${l.text}</text>`).join('')}</svg>`
  const out = await sharp(Buffer.from(img.data), { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).removeAlpha().raw().toBuffer()
  return { width: W, height: H, data: new Uint8Array(out) }
}

describe('findBurnedInText', () => {
  it('finds each annotation line over the black surround, not the speckle', async () => {
    const img = await withText(ultrasound(), [
      { text: 'SILVA MARIA 12345', x: 6, y: 16, size: 12 },
      { text: '2026-03-01 10:42', x: 200, y: 16, size: 12 },
      { text: 'L12-5 38mm', x: 6, y: 34, size: 11 },
    ])
    const regions = findBurnedInText(img)
    expect(regions.length).toBeGreaterThanOrEqual(3)
    for (const r of regions) expect(r.y + r.height).toBeLessThanOrEqual(42)
    // Every line is covered: the top band holds no bright stroke once masked.
    const masked = maskRegions(img, regions)
    let bright = 0
    for (let i = 0; i < W * 40; i++) if ((masked.data[i * 3] as number) > 150) bright++
    expect(bright).toBe(0)
    expect(img.data).not.toEqual(masked.data)
  })

  it('speckled tissue alone and a smooth gradient have no text', () => {
    for (const seed of [1, 2, 3]) expect(findBurnedInText(ultrasound(seed))).toEqual([])
    const g = new Uint8Array(W * H * 3)
    for (let i = 0; i < W * H; i++) g.fill(Math.round(((i % W) / W) * 255), i * 3, i * 3 + 3)
    expect(findBurnedInText({ width: W, height: H, data: g })).toEqual([])
  })

  it('does not modify its input', async () => {
    const img = await withText(ultrasound(), [{ text: 'ID 998877 ACC 4411', x: 6, y: 16, size: 12 }])
    const copy = img.data.slice()
    maskRegions(img, findBurnedInText(img))
    expect(img.data).toEqual(copy)
  })
})
