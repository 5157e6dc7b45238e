/**
 * DCMTK as an independent reference decoder for the cross-check tests (issue: "Cross-check decoded
 * pixels against DCMTK"). Compressed files are first decompressed by DCMTK's own tools (dcmdjpeg,
 * dcmdjpls, dcmdrle) into Explicit VR Little Endian; raw stored values come from `dcmdump +W`, rendered
 * 8-bit images from `dcm2pnm`. DCMTK has no JPEG 2000 / HTJ2K codec: those return undefined.
 * Dumps are parsed in memory and never printed (they contain patient attributes).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** true when the DCMTK command-line tools are installed. */
export function hasDcmtk(): boolean {
  return existsSync('/usr/bin/dcm2pnm') || spawnSync('dcm2pnm', ['--version']).status === 0
}

function run(cmd: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 })
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

/** Which DCMTK tool turns a transfer syntax into Explicit VR Little Endian. */
function decompressorFor(tsUid: string): string | undefined {
  if (['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70'].includes(tsUid)) return 'dcmdjpeg'
  if (tsUid === '1.2.840.10008.1.2.4.80' || tsUid === '1.2.840.10008.1.2.4.81') return 'dcmdjpls'
  if (tsUid === '1.2.840.10008.1.2.5') return 'dcmdrle'
  if (['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99'].includes(tsUid)) return 'dcmconv'
  return undefined
}

const scratch: string[] = []

/** A fresh scratch directory; removed by cleanupScratch() (call it in afterAll). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mamba-dcmtk-'))
  scratch.push(dir)
  return dir
}

/** Removes every scratch directory made so far (decompressed copies of sample files). */
export function cleanupScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/**
 * Explicit VR LE uncompressed copy of `file` made by DCMTK, or undefined when DCMTK cannot decode the
 * transfer syntax (JPEG 2000, HTJ2K) or fails on the file.
 */
export function dcmtkUncompressed(file: string, tsUid: string, dir: string): string | undefined {
  const tool = decompressorFor(tsUid)
  if (!tool) return undefined
  const out = join(dir, 'uncompressed.dcm')
  const args = tool === 'dcmconv' ? ['+te', file, out] : [file, out]
  return run(tool, args).ok ? out : undefined
}

/** Top-level attributes of a dcmdump listing: keyword-free map "gggg,eeee" → raw value text. */
export function dcmdumpTopLevel(file: string): Map<string, string> {
  const r = run('dcmdump', ['-q', file])
  const map = new Map<string, string>()
  for (const line of r.stdout.split('\n')) {
    // Top-level lines start at column 0; nested items are indented.
    const m = /^\(([0-9a-f]{4}),([0-9a-f]{4})\) \w\w (.*?)\s+#/.exec(line)
    if (m) map.set(`${m[1]},${m[2]}`, (m[3] ?? '').replace(/^\[|\]$/g, ''))
  }
  return map
}

/** Numbers of a multi-valued attribute from dcmdumpTopLevel ("40\\-600" → [40, -600]). */
export function numbers(value: string | undefined): number[] {
  if (!value || value.startsWith('(no value')) return []
  return value.split('\\').map((v) => Number(v.trim())).filter((v) => Number.isFinite(v))
}

/** Raw bytes of the top-level Pixel Data of an uncompressed file, as written by `dcmdump +W`. */
export function dcmtkRawPixelData(file: string, dir: string): Uint8Array | undefined {
  const rawDir = join(dir, 'raw')
  mkdirSync(rawDir, { recursive: true })
  const r = run('dcmdump', ['-q', '+W', rawDir, file])
  const m = /^\(7fe0,0010\) \w\w =(\S+)/m.exec(r.stdout)
  const path = m?.[1]
  if (!path || !existsSync(path)) return undefined
  return new Uint8Array(readFileSync(path))
}

/** Stored values of frame `frame` from little-endian raw pixel bytes (bits allocated 8/16/32, masking, sign). */
export function storedValuesFromRaw(raw: Uint8Array, attrs: Map<string, string>, frame: number): Float64Array {
  const rows = numbers(attrs.get('0028,0010'))[0] ?? 0
  const cols = numbers(attrs.get('0028,0011'))[0] ?? 0
  const ba = numbers(attrs.get('0028,0100'))[0] ?? 16
  const bs = numbers(attrs.get('0028,0101'))[0] ?? ba
  const hb = numbers(attrs.get('0028,0102'))[0] ?? bs - 1
  const signed = numbers(attrs.get('0028,0103'))[0] === 1
  const n = rows * cols
  const bytes = ba / 8
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (ba === 1) {
      // 1-bit data: little-bit-first packing, frames not byte-aligned (PS3.5 8.1.1).
      const bit = frame * n + i
      out[i] = ((raw[bit >> 3] ?? 0) >> (bit & 7)) & 1
      continue
    }
    const o = (frame * n + i) * bytes
    const word = bytes === 1 ? view.getUint8(o) : bytes === 2 ? view.getUint16(o, true) : view.getUint32(o, true)
    let v = Math.floor(word / 2 ** (hb + 1 - bs)) % 2 ** bs
    if (signed && v >= 2 ** (bs - 1)) v -= 2 ** bs
    out[i] = v
  }
  return out
}

/** A binary PGM/PPM (P5/P6, maxval 255) as written by dcm2pnm. */
export interface Pnm { readonly width: number; readonly height: number; readonly channels: number; readonly data: Uint8Array }

export function parsePnm(buf: Uint8Array): Pnm {
  const text = new TextDecoder('latin1').decode(buf.subarray(0, 64))
  const m = /^(P[56])\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(text)
  if (!m) throw new Error('not a binary PNM')
  const header = m[0].length
  const channels = m[1] === 'P6' ? 3 : 1
  const width = Number(m[2])
  const height = Number(m[3])
  return { width, height, channels, data: buf.subarray(header, header + width * height * channels) }
}

/**
 * dcm2pnm rendition (8-bit PGM/PPM) of frame `frame` (0-based) with extra VOI options such as
 * ['+Wi', '1'], ['+Ww', c, w] or ['+Wl', '1']. Overlays are switched off: the loader does not burn them in.
 */
export function dcm2pnm(file: string, frame: number, voi: string[], dir: string): Pnm | undefined {
  const out = join(dir, `render-${frame}-${voi.join('_').replace(/[^\w.-]/g, '')}.pnm`)
  const r = run('dcm2pnm', ['-q', '--write-raw-pnm', '--no-overlays', '+F', String(frame + 1), ...voi, file, out])
  if (!r.ok || !existsSync(out)) return undefined
  return parsePnm(new Uint8Array(readFileSync(out)))
}
