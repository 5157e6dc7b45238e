/**
 * Independent readers for exported files: a PNG chunk walker that checks every CRC with Node's own
 * zlib.crc32 (not the exporter's), wrappers for poppler, DCMTK and Python's zipfile, and tool detection so that suites
 * skip with a reason when a tool is missing. Dumps may hold test values only; they are never printed.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'

/** True when `cmd` is on PATH. */
export function hasTool(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
}

/** Runs a tool, returns stdout (latin1 keeps bytes intact); throws with stderr on failure. */
export function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, [...args], { encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

/** Same, decoding stdout as UTF-8 (poppler prints UTF-8). */
export function runUtf8(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

/** One PNG chunk as read back. */
export interface PngChunk { readonly type: string; readonly data: Uint8Array; readonly crcOk: boolean }

/** Walks the chunks of a PNG; CRCs are verified with node:zlib. */
export function pngChunks(png: Uint8Array): PngChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  const out: PngChunk[] = []
  for (let o = 8; o + 12 <= png.length;) {
    const len = view.getUint32(o)
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8))
    const data = png.subarray(o + 8, o + 8 + len)
    const crc = view.getUint32(o + 8 + len)
    out.push({ type, data, crcOk: crc32(Buffer.from(png.subarray(o + 4, o + 8 + len))) === crc })
    o += 12 + len
    if (type === 'IEND') break
  }
  return out
}

/** iTXt chunks decoded per the PNG spec: keyword → UTF-8 text (uncompressed only). */
export function pngItxt(png: Uint8Array): Map<string, string> {
  const map = new Map<string, string>()
  for (const c of pngChunks(png).filter((x) => x.type === 'iTXt')) {
    const k = c.data.indexOf(0)
    const keyword = String.fromCharCode(...c.data.subarray(0, k))
    const flag = c.data[k + 1]
    let o = k + 3
    o = c.data.indexOf(0, o) + 1 // language tag
    o = c.data.indexOf(0, o) + 1 // translated keyword
    if (flag === 0) map.set(keyword, new TextDecoder('utf-8', { fatal: true }).decode(c.data.subarray(o)))
  }
  return map
}

/** A scratch folder, removed by the returned cleanup. */
export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mamba-export-${prefix}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Names in a folder (hidden temporaries included). */
export function listDir(dir: string): string[] {
  return readdirSync(dir).sort()
}

/** `dcmdump +L -Un` (long values in full, UIDs as numbers) as "gggg,eeee" → value text, top level and nested lines alike. */
export function dcmdumpValues(file: string): { map: Map<string, string>; text: string } {
  const text = run('dcmdump', ['-q', '+L', '-Un', file])
  const map = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^\s*\(([0-9a-f]{4}),([0-9a-f]{4})\) \w\w (.*?)\s+#\s*\d+,/.exec(line)
    if (m) map.set(`${m[1]},${m[2]}`, (m[3] ?? '').replace(/^\[|\]$/g, '').replace(/^=/, ''))
  }
  return { map, text }
}

/** Raw pixel bytes of an uncompressed DICOM as written by `dcmdump +W`. */
export function dcmtkPixelData(file: string, dir: string): Uint8Array {
  // +L: without it dcmdump shortens a long path to '…' like any other long value.
  const out = run('dcmdump', ['-q', '+L', '+W', dir, file])
  const m = /^\(7fe0,0010\) \w\w =(\S+)/m.exec(out)
  if (!m?.[1]) throw new Error('no pixel data written by dcmdump')
  return new Uint8Array(readFileSync(m[1]))
}

/** The part of a DOM element the SVG checks use (the test tsconfig has no DOM lib). */
export interface XmlElement {
  readonly textContent: string | null
  getAttribute(name: string): string | null
  getElementsByTagName(name: string): ArrayLike<XmlElement>
}

/** The part of a DOM document the SVG checks use. */
export interface XmlDocument extends XmlElement {
  readonly documentElement: XmlElement
  getElementsByTagNameNS(ns: string, name: string): ArrayLike<XmlElement>
  querySelector(selector: string): XmlElement | null
  querySelectorAll(selector: string): ArrayLike<XmlElement>
}

type JsdomModule = { JSDOM: new (html: string) => { window: { DOMParser: new () => { parseFromString(text: string, type: string): XmlDocument } } } }

/**
 * Parses XML with jsdom's DOMParser (an XML parser, saxes, under a standard API; a malformed file yields a
 * <parsererror> document). Loaded through require because jsdom ships no type declarations.
 */
export function parseXml(text: string): XmlDocument {
  const { JSDOM } = createRequire(import.meta.url)('jsdom') as JsdomModule
  return new new JSDOM('').window.DOMParser().parseFromString(text, 'image/svg+xml')
}

/**
 * The entries of a ZIP archive, in order, as Python's zipfile reads them (an independent reader; python3 is
 * part of the test set-up): `testzip()` checks every entry's CRC first.
 */
export function zipEntries(zip: Uint8Array): Map<string, Buffer> {
  const script = [
    'import base64, io, json, sys, zipfile',
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
    'assert z.testzip() is None, "damaged entry"',
    'print(json.dumps([[i.filename, base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))',
  ].join('\n')
  const r = spawnSync('python3', ['-c', script], { input: zip, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`python3 zipfile failed: ${r.stderr}`)
  return new Map((JSON.parse(r.stdout) as [string, string][]).map(([name, b64]) => [name, Buffer.from(b64, 'base64')]))
}
