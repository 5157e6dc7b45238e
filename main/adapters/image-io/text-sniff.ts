/**
 * Whether a file is plain text (issue 15: a text file renamed `.png` got "the file may be damaged"; the
 * reader should hear what it is). Asked only when no loader recognised the content by its signature, so
 * text-based formats a loader does claim (an SVG, a DICOM preamble that happens to be readable) never reach it.
 */

/** Bytes that appear in text files: tab, LF, FF, CR, printable ASCII, and UTF-8 lead/continuation bytes. */
function isTextByte(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || (b >= 0x20 && b !== 0x7f)
}

/** True when every byte of `head` is text and it decodes as UTF-8 (a multi-byte sequence may be cut at the end). */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false
  for (const b of head) if (!isTextByte(b)) return false
  try {
    // Drop up to 3 trailing bytes that may be a sequence cut by the head's end.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(1, head.length - 3)))
    return true
  } catch {
    // Not UTF-8: bytes ≥ 0x80 that are binary data (a raw image, a compressed stream), not text.
    return false
  }
}

/**
 * A document format that image libraries would render but this app refuses (an SVG with its external
 * references, a PDF): named by what it is, before the plain-text check would call an SVG "a text file".
 */
export function documentKind(head: Uint8Array): 'SVG drawing' | 'PDF document' | null {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart()
  if (text.startsWith('%PDF-')) return 'PDF document'
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(text)) return 'SVG drawing'
  return null
}
