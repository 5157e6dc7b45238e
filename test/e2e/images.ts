/**
 * Test images made by our code (never copies of licensed data): a synthetic scene with a bright disk, a
 * square and a gradient, so heatmaps have structure to follow; and a file that looks like a PNG but is not.
 */
import sharp from 'sharp'

/** RGB scene, `width × height`, deterministic. */
export async function makeScenePng(width = 320, height = 240, seed = 1): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3)
  const cx = width * (0.62 + 0.05 * seed)
  const cy = height * 0.4
  const r = Math.min(width, height) * 0.18
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const inDisk = (x - cx) ** 2 + (y - cy) ** 2 < r * r
      const inSquare = x > width * 0.12 && x < width * 0.32 && y > height * 0.55 && y < height * 0.85
      raw[i] = inDisk ? 235 : inSquare ? 30 : Math.round((x / width) * 120)
      raw[i + 1] = inDisk ? 60 : inSquare ? 90 : Math.round((y / height) * 140)
      raw[i + 2] = inDisk ? 40 : inSquare ? 220 : 90 + ((x * 13 + y * 7 * seed) % 40)
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer()
}

/** A PNG signature followed by garbage: the loader claims it, decoding fails. */
export function makeCorruptPng(): Buffer {
  const junk = Buffer.alloc(2048)
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 31 + 7) % 256
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), junk])
}
