/**
 * A ZIP archive of finished files, stored without compression (PKWARE APPNOTE 6.3.10, method 0). Browser
 * mode hands an export of several files (PNG + SVG + PDF …) to the browser as one download: a page that
 * starts several downloads at once is stopped by the browser's "download multiple files?" prompt, and one
 * archive keeps a figure's files together. Stored, because PNG, PDF and DICOM pixels are compressed already
 * and a stored entry is the file's bytes unchanged. No ZIP64: an export is a few megabytes.
 */
import { crc32 } from 'node:zlib'

export interface ZipEntry {
  /** Name inside the archive (a plain file name; the exporter's names are ASCII). */
  readonly name: string
  readonly bytes: Uint8Array
}

const LOCAL_HEADER = 0x04034b50
const CENTRAL_HEADER = 0x02014b50
const END_OF_CENTRAL = 0x06054b50
const VERSION = 20 // 2.0: the lowest version that readers accept for plain stored files with UTF-8 names
const FLAG_UTF8 = 0x0800
const MAX_32 = 0xffffffff

/** MS-DOS date and time (2-second resolution) of `when`, in UTC: the archive says when the figure was made. */
function dosDateTime(when: Date): { date: number; time: number } {
  const year = Math.min(2107, Math.max(1980, when.getUTCFullYear()))
  return {
    date: ((year - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | (when.getUTCSeconds() >> 1),
  }
}

/** The archive of `entries`, in order, each stored as is. Throws RangeError past the 4 GiB limits of plain ZIP. */
export function zipStored(entries: readonly ZipEntry[], when: Date): Uint8Array {
  const { date, time } = dosDateTime(when)
  const names = entries.map((e) => new TextEncoder().encode(e.name))
  const localSize = entries.reduce((n, e, i) => n + 30 + names[i]!.length + e.bytes.length, 0)
  const centralSize = names.reduce((n, name) => n + 46 + name.length, 0)
  if (localSize + centralSize > MAX_32 || entries.length > 0xffff) throw new RangeError('zipStored: archive too large for plain ZIP')
  const out = new Uint8Array(localSize + centralSize + 22)
  const view = new DataView(out.buffer)
  let o = 0
  const u16 = (v: number): void => { view.setUint16(o, v, true); o += 2 }
  const u32 = (v: number): void => { view.setUint32(o, v >>> 0, true); o += 4 }
  const put = (b: Uint8Array): void => { out.set(b, o); o += b.length }
  // The fields a local and a central header share, from "version needed" to the name length.
  const common = (crc: number, size: number, nameLength: number): void => {
    u16(VERSION); u16(FLAG_UTF8); u16(0); u16(time); u16(date); u32(crc); u32(size); u32(size); u16(nameLength)
  }
  const offsets: number[] = []
  const crcs = entries.map((e) => crc32(e.bytes))
  entries.forEach((e, i) => {
    offsets.push(o)
    u32(LOCAL_HEADER); common(crcs[i]!, e.bytes.length, names[i]!.length); u16(0)
    put(names[i]!); put(e.bytes)
  })
  const centralStart = o
  entries.forEach((e, i) => {
    u32(CENTRAL_HEADER); u16(VERSION); common(crcs[i]!, e.bytes.length, names[i]!.length)
    u16(0); u16(0); u16(0); u16(0); u32(0); u32(offsets[i]!) // extra, comment, disk, internal and external attributes
    put(names[i]!)
  })
  u32(END_OF_CENTRAL); u16(0); u16(0); u16(entries.length); u16(entries.length); u32(centralSize); u32(centralStart); u16(0)
  return out
}
