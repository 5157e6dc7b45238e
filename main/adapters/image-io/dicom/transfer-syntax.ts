/**
 * Transfer syntaxes the DICOM loader knows (PS3.6 Table A-1), the codec that decodes each, and a
 * display name for messages. A syntax not in this table is reported as unsupported with its UID.
 */

/**
 * Which decoder handles the pixel data. 'native' = uncompressed; 'unsupported' = known but not decodable here.
 * 'jpeg-baseline' covers all DCT JPEG: the frame's SOF precision picks libjpeg-turbo (8-bit) or IJG (12-bit).
 */
export type CodecId = 'native' | 'rle' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'htj2k' | 'unsupported'

export interface TransferSyntax {
  readonly uid: string
  readonly name: string
  readonly codec: CodecId
  readonly bigEndian: boolean
  readonly lossy: boolean
}

const TABLE: readonly TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', codec: 'native', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', codec: 'native', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', codec: 'native', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', codec: 'native', bigEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', codec: 'rle', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', codec: 'jpeg-baseline', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4)', codec: 'jpeg-baseline', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless (Process 14)', codec: 'jpeg-lossless', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless (Process 14, SV1)', codec: 'jpeg-lossless', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', codec: 'jpeg-ls', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', codec: 'jpeg-ls', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', codec: 'jpeg2000', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', codec: 'jpeg2000', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.201', name: 'HTJ2K Lossless', codec: 'htj2k', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.202', name: 'HTJ2K Lossless RPCL', codec: 'htj2k', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.203', name: 'HTJ2K', codec: 'htj2k', bigEndian: false, lossy: true },
  // Known but not decodable with the packaged codecs: named so the error can say which one it is.
  { uid: '1.2.840.10008.1.2.4.92', name: 'JPEG 2000 Part 2 Multi-component Lossless', codec: 'unsupported', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.93', name: 'JPEG 2000 Part 2 Multi-component', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.100', name: 'MPEG2 Main Profile video', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.101', name: 'MPEG2 High Profile video', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.102', name: 'MPEG-4 AVC/H.264 video', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.103', name: 'MPEG-4 AVC/H.264 BD video', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.104', name: 'MPEG-4 AVC/H.264 2D video', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.107', name: 'HEVC/H.265 video', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.110', name: 'JPEG XL Lossless', codec: 'unsupported', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.112', name: 'JPEG XL', codec: 'unsupported', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.6.1', name: 'RFC 2557 MIME encapsulation', codec: 'unsupported', bigEndian: false, lossy: false },
]

const BY_UID = new Map(TABLE.map((t) => [t.uid, t]))

/** Looks a UID up; unknown UIDs come back as 'unsupported' with the UID as their name. */
export function transferSyntaxOf(uid: string): TransferSyntax {
  const clean = uid.replace(/\0/g, '').trim()
  return BY_UID.get(clean) ?? { uid: clean, name: `unknown transfer syntax ${clean}`, codec: 'unsupported', bigEndian: false, lossy: false }
}

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2'
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1'
export const DEFLATED_LE = '1.2.840.10008.1.2.1.99'
export const EXPLICIT_VR_BE = '1.2.840.10008.1.2.2'
