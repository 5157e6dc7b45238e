/**
 * The two dcmjs calls the Secondary Capture writer needs, behind a checked port. dcmjs ships no type
 * declarations, and the ambient ones in test/fixtures describe only what the test generators use, so the
 * module is loaded as `unknown` and narrowed here: a dcmjs upgrade that moves these functions fails with a
 * clear error instead of writing a broken file.
 */
import { createRequire } from 'node:module'

/** A dcmjs DicomDict instance: meta header + dataset, written as Part 10. */
interface DicomDictLike {
  dict: Record<string, unknown>
  write(options?: Record<string, unknown>): ArrayBuffer
}

/** What the SC writer uses from dcmjs. */
export interface DcmjsPort {
  denaturalize(dataset: Record<string, unknown>): Record<string, unknown>
  newDict(meta: Record<string, unknown>): DicomDictLike
  /** Keyword → tag ('(0010,0010)' style) from dcmjs's own dictionary; for the tests' cross-check. */
  tagOf(keyword: string): string | undefined
}

let port: DcmjsPort | undefined

function isFunction(v: unknown): v is (...args: unknown[]) => unknown {
  return typeof v === 'function'
}

/** Loads dcmjs once and checks its shape. */
export function dcmjs(): DcmjsPort {
  if (port !== undefined) return port
  const mod: unknown = createRequire(import.meta.url)('dcmjs')
  const root = (mod as { default?: unknown }).default ?? mod
  const data = (root as { data?: unknown }).data as { DicomDict?: unknown; DicomMetaDictionary?: unknown } | undefined
  const meta = data?.DicomMetaDictionary as { denaturalizeDataset?: unknown; nameMap?: unknown } | undefined
  const DicomDict = data?.DicomDict
  if (!isFunction(DicomDict) || meta === undefined || !isFunction(meta.denaturalizeDataset)) {
    throw new Error('dcmjs: DicomDict / DicomMetaDictionary.denaturalizeDataset not found')
  }
  const denaturalize = meta.denaturalizeDataset.bind(meta)
  const Ctor = DicomDict as unknown as new (m: Record<string, unknown>) => DicomDictLike
  const nameMap = (meta.nameMap ?? {}) as Record<string, { tag?: unknown } | undefined>
  port = {
    denaturalize: (ds) => denaturalize(ds) as Record<string, unknown>,
    newDict: (m) => new Ctor(m),
    tagOf: (keyword) => {
      const tag = nameMap[keyword]?.tag
      return typeof tag === 'string' ? tag : undefined
    },
  }
  return port
}
