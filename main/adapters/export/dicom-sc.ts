/**
 * DICOM Secondary Capture encoder (dcmjs). The dataset itself is built by the pure
 * core/export/sc-spec.ts; here it is checked against the basic profile and the source's identifying
 * values, then written as Part 10, Explicit VR Little Endian.
 */
import type { FigureSpec } from '../../core/export/figure'
import type { PhiNeedle } from '../../core/export/privacy'
import { scUids } from '../../core/export/ps315'
import type { SourceStudy } from '../../core/export/sc-source'
import { assertScDeidentified, scDataset, scFileMeta } from '../../core/export/sc-spec'
import type { Rgb8Image } from '../../core/image/types'
import { dcmjs } from './dcmjs-port'

/** The SC file and the UIDs it was given. */
export interface EncodedSc {
  readonly bytes: Uint8Array
  readonly uids: { readonly study: string; readonly series: string; readonly instance: string }
}

/**
 * Encodes the burned-in figure as an SC. `uuid` seeds the UID root (a fresh random UUID per export);
 * `linkageId` is the opted-in hashed ID or null; `source` the opted-in source study to file the SC into
 * (sc-source.ts), else null. Throws `export/phi-detected` before encoding if the dataset would carry an
 * identifying value it should not.
 */
export function encodeSecondaryCapture(spec: FigureSpec, figure: Rgb8Image, uuid: string, linkageId: string | null,
  needles: readonly PhiNeedle[], source: SourceStudy | null = null): EncodedSc {
  const uids = scUids(uuid)
  const dataset = scDataset({ figure, provenance: spec.provenance, provenanceJson: spec.provenanceJson, uids, linkageId, source })
  assertScDeidentified(dataset, needles, { newUids: new Set([uids.study, uids.series, uids.instance]), linkageId }, source !== null)
  const d = dcmjs()
  const dict = d.newDict(d.denaturalize(scFileMeta(uids.instance, spec.provenance.app.version)))
  dict.dict = d.denaturalize(dataset)
  return { bytes: new Uint8Array(dict.write()), uids: { ...uids, study: source?.identifiers.StudyInstanceUID ?? uids.study } }
}
