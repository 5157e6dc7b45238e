/**
 * Types of the figure export (issue "Export annotated figures"): what the app and the CLI hand to
 * `exportFigure` (main/adapters/export), and what it reports back. Pure data: no Node, no Electron.
 * The request carries the engine's result as is, so an exported figure is built from exactly the
 * numbers the screen shows, never from a screenshot (STYLE.md §1.9).
 */
import type { ExecutionProvider, ExplainResult, ModelInfo } from '../engine/api'
import type { PhiRecord } from '../image/phi'
import type { ScanKind, ScanMeta } from '../image/scan-types'
import type { Rgb8Image } from '../image/types'
import type { ColormapId } from '../ui/colormaps'
import type { FigureProvenance } from './provenance'
import type { FaithfulnessCheck } from '../trust/types'

/** File formats `exportFigure` writes. `dicom` is a Secondary Capture object for return to PACS. */
export const EXPORT_FORMATS = ['png', 'svg', 'pdf', 'dicom'] as const
/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** Type guard for user input (CLI `--format png,svg`). */
export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value)
}

/** How the current view looks: the same settings the overlay scene holds (renderer/src/canvas/overlay-scene.ts). */
export interface ExportView {
  /** Methods shown, in display order: one for the single view, two or more for the side-by-side comparison. */
  readonly methodIds: readonly string[]
  readonly colormap: ColormapId
  /** Heat weight 0 … 1, as the Konva node opacity. */
  readonly opacity01: number
  /** Fraction of each map's range below which heat is hidden (0 = show all). */
  readonly threshold01: number
  /** Iso-lines instead of a filled map. */
  readonly contour: boolean
  /** Draw the model's patch grid over the image. */
  readonly showGrid: boolean
  /** Row-major patch index of the pinned patch, outlined in the figure; null or absent for none. */
  readonly pinnedPatch?: number | null
  /** Layer range the methods were run over (ExplainOptions.startLayer/endLayer); absent = the method defaults. */
  readonly layerRange?: { readonly start: number; readonly end: number } | null
  /** 'image': the loaded image with the model's crop (default); 'model': "what the model saw" (modelInputPreview). */
  readonly mode?: 'image' | 'model'
}

/** Where the explained image came from. Identifying attributes stay inside the PhiRecord (STYLE.md §2.6). */
export interface ExportSource {
  readonly kind: ScanKind | 'tensor'
  /** SHA-256 of the input file bytes (never its path). */
  readonly fileSha256: string
  /** The scan's identifying attributes: the preflight searches every output for these values. */
  readonly phi?: PhiRecord
  /** The scan's allow-listed metadata (LoadedScan.meta). */
  readonly meta?: ScanMeta
  /**
   * Burned In Annotation (0028,0301) of the source. When absent, `meta.BurnedInAnnotation` is used if the
   * loader recorded it. 'YES' blocks the export unless the user confirms (ExportOptions.acceptBurnedInAnnotation).
   */
  readonly burnedInAnnotation?: 'YES' | 'NO'
}

/** Everything one figure needs. The app builds it from its caches; the CLI from one engine run. */
/**
 * How a grey scan's picture was displayed, for the figure's header (issue 15: CT figures omitted the window):
 * the display window in modality units, invert, and the pixel spacing when the file gives one.
 */
export interface DisplayNote {
  readonly windowCenter: number
  readonly windowWidth: number
  /** 'HU' for CT, '' when the file does not say. */
  readonly unit: string
  readonly invert: boolean
  readonly pixelSpacingMm: { readonly row: number; readonly column: number } | null
}

export interface FigureRequest {
  readonly result: ExplainResult
  /** The display rendition the engine explained (ImageStore.display / the decoded raster), original size. */
  readonly image: Rgb8Image
  readonly model: Pick<ModelInfo, 'id' | 'name' | 'sha256' | 'classes' | 'grid' | 'layers'>
  readonly view: ExportView
  readonly source: ExportSource
  /** Application version, e.g. package.json "version". */
  readonly appVersion: string
  /** Display labels of the methods (MethodInfo.label); the id is shown when missing. */
  readonly methodLabels?: Readonly<Record<string, string>>
  /** Extra method parameters recorded in the provenance (per method id). Layer range and class are added. */
  readonly methodParameters?: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>
  /**
   * How the source's pixels became the model input (core/image/model-input.ts `mapping`: window or full
   * range, bits, channels, frame/slice). Recorded in the provenance so a scan figure can be reproduced.
   */
  readonly inputMapping?: Readonly<Record<string, string | number | boolean>>
  /** The user's own caption text, appended to the generated one (scanned for patient data). */
  readonly caption?: string
  /** Grey scans: how the picture under the overlay was displayed (window, invert, pixel spacing). */
  readonly display?: DisplayNote
  /** File name stem the user chose (sanitised and scanned); default `ml-<input sha>-<methods>-class<index>[-<label>]`. */
  readonly fileStem?: string
  /** ISO 8601 time recorded as the figure's creation time; default now. */
  readonly createdAt?: string
  /** Quick deletion check of each shown map (engine.faithfulness), recorded with its trust label. */
  readonly faithfulness?: Readonly<Record<string, FaithfulnessCheck | null>>
  /** The card's `domain.trainedOn.name` (e.g. "breast ultrasound"), for the out-of-domain banner. */
  readonly trainedOnName?: string
}

/** Options of `exportFigure`. */
export interface ExportOptions {
  /** Folder the files go to (created if missing). */
  readonly outDir: string
  readonly formats: readonly ExportFormat[]
  /** Pixel scales of the PNG (1 = figure size, 2 = retina/print). Default [1, 2]. */
  readonly scales?: readonly number[]
  /** Also write `<stem>.provenance.json`. */
  readonly sidecar?: boolean
  /**
   * Keep a hashed linkage ID: PatientID of the SC and `privacy.linkageId` of the provenance become
   * 'ML-' + SHA-256(linkageSalt + PatientID) prefix. Off by default; needs `linkageSalt`.
   */
  readonly keepLinkageId?: boolean
  /** Site secret for the linkage hash; keep it stable, or the same patient gets a new ID per export. */
  readonly linkageSalt?: string
  /**
   * DICOM sources only, off by default: the SC keeps the source's patient and study identifiers and Study
   * Instance UID and references the source image, so PACS files it into the source study (core/export/sc-source.ts).
   * The other formats stay de-identified. Not with `keepLinkageId` (the SC then carries the real patient ID).
   */
  readonly fileToSourceStudy?: boolean
  /** The user confirmed that a source marked BurnedInAnnotation YES carries no patient data in its pixels. */
  readonly acceptBurnedInAnnotation?: boolean
  /**
   * Text found burned into the pixels of a source that does not say it has none (raster images, US and
   * secondary captures): 'mask' blacks out each line in the figure, 'keep' leaves it (the user checked it).
   * Absent: the export is refused with `export/burned-in-text` before anything is written.
   */
  readonly burnedInText?: 'mask' | 'keep'
  /** Replace existing files of the same name; default false (a numeric suffix is added instead). */
  readonly overwrite?: boolean
  readonly signal?: AbortSignal
}

/** One file `exportFigure` wrote. */
export interface ExportedFile {
  readonly format: ExportFormat | 'json'
  readonly path: string
  readonly bytes: number
  readonly sha256: string
  /** Pixel size (PNG, DICOM), or the 1× size in CSS px / PDF pt (SVG, PDF). */
  readonly width?: number
  readonly height?: number
  readonly scale?: number
}

/** What the app shows after an export and what the CLI prints with --json. */
export interface ExportReport {
  /** The file-name stem every file of this figure starts with (`<stem>.png`, `<stem>@2x.png`, …). */
  readonly stem: string
  readonly files: readonly ExportedFile[]
  /** The provenance embedded in every file (and in the sidecar). */
  readonly provenance: FigureProvenance
  /** Non-blocking notes (e.g. "linkage requested but the source has no PatientID"). No patient data. */
  readonly warnings: readonly string[]
}

/** Provider type re-exported for callers that build requests from DTOs. */
export type { ExecutionProvider }
