/**
 * CLI output files. Nothing is half-written: every file goes to a temporary name in the target folder
 * first and all files of one image are renamed into place together, after the last one was encoded
 * (a rename within one folder is atomic on POSIX and NTFS).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import type { Rgb8Image } from '../core/image/types'

/** Files staged for one image. */
export class StagedFiles {
  private readonly staged: { tmp: string; final: string }[] = []

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true })
  }

  /** Writes `bytes` under a temporary name; returns the final path. */
  add(name: string, bytes: Uint8Array | string): string {
    const final = join(this.dir, name)
    const tmp = join(this.dir, `.${name}.${process.pid}.${this.staged.length}.tmp`)
    writeFileSync(tmp, bytes)
    this.staged.push({ tmp, final })
    return final
  }

  /** Moves every staged file into place. */
  commit(): string[] {
    for (const f of this.staged) renameSync(f.tmp, f.final)
    const out = this.staged.map((f) => f.final)
    this.staged.length = 0
    return out
  }

  /** Deletes the temporaries (after a failure). */
  discard(): void {
    for (const f of this.staged) rmSync(f.tmp, { force: true })
    this.staged.length = 0
  }
}

/** Inserts `tEXt` chunks (Latin-1 keyword + text) right after IHDR, for figure metadata (STYLE.md §1.9). */
export function withPngText(png: Uint8Array, entries: Readonly<Record<string, string>>): Uint8Array {
  const ihdrEnd = 8 + 8 + 13 + 4 // signature, IHDR length+type, IHDR data, CRC
  const chunks: Uint8Array[] = []
  for (const [key, text] of Object.entries(entries)) {
    const body = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')])
    const chunk = Buffer.alloc(4 + body.length + 4)
    chunk.writeUInt32BE(body.length - 4, 0)
    body.copy(chunk, 4)
    chunk.writeUInt32BE(crc32(body), 4 + body.length)
    chunks.push(chunk)
  }
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)])
}

/** Encodes RGB8 as PNG with text metadata. */
export async function encodePng(image: Rgb8Image, text: Readonly<Record<string, string>> = {}): Promise<Uint8Array> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer()
  return withPngText(png, text)
}

function stemBase(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'image'
}

/** A file-system-safe stem, unique within `used` (appends -2, -3, … on collisions). */
export function uniqueStem(name: string, used: Set<string>): string {
  const base = stemBase(name)
  let stem = base
  for (let i = 2; used.has(stem); i++) stem = `${base}-${i}`
  used.add(stem)
  return stem
}

/**
 * The stem of an earlier run's output for the file `sha256` named `name` in `dir` (`<stem>.json` whose
 * `source.sha256` matches; among `<base>`, `<base>-2`, … as uniqueStem numbers them), claimed in `used`;
 * null when there is none. A JSON is renamed into place last of an input's files (StagedFiles), so one
 * that exists means the input was finished.
 */
export function existingStem(dir: string, name: string, sha256: string, used: Set<string>): string | null {
  const base = stemBase(name)
  for (let i = 1; ; i++) {
    const stem = i === 1 ? base : `${base}-${i}`
    let text: string
    try {
      text = readFileSync(join(dir, `${stem}.json`), 'utf8')
    } catch {
      return null // the numbering has no gaps: the first missing stem ends the search
    }
    if (used.has(stem)) continue
    try {
      if ((JSON.parse(text) as { source?: { sha256?: unknown } }).source?.sha256 === sha256) {
        used.add(stem)
        return stem
      }
    } catch {
      // A damaged JSON is not a finished output: the input runs again.
    }
  }
}
