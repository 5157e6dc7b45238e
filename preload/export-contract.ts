/**
 * The figure-export part of the IPC contract (docs/EXPORT.md): DTOs mirroring main/core/export/types.ts and
 * the `export:figure` / `export:cancel` channels. Added to contract.ts by module augmentation, as
 * trust-contract.ts is, because contract.ts must stay import-free and under the 300-line limit; like it, this
 * file imports types only, so the sandboxed preload bundle is unchanged.
 */
import type { ReqOf, Result } from './contract'

/** Figure file formats (`dicom` = Secondary Capture, offered for DICOM inputs). */
export type ExportFormatDto = 'png' | 'svg' | 'pdf' | 'dicom'
/** How the current view looks (the overlay scene's settings). */
export interface ExportViewDto {
  readonly colormap: 'viridis' | 'inferno' | 'jet'; readonly opacity01: number; readonly threshold01: number
  readonly contour: boolean; readonly showGrid: boolean
  /** Row-major patch index of the pinned patch, or null. */
  readonly pinnedPatch: number | null
  /** 'image': the loaded image; 'model': what the model saw. */
  readonly mode: 'image' | 'model'
}

/** Export the current view. No folder: main asks the user (Electron) or sends the files back as a download (browser mode). */
export interface ExportFigureRequest {
  readonly requestId: string
  /** Panes of the view, left to right: the run shown in each and its method. */
  readonly panes: readonly { readonly runId: string; readonly methodId: string }[]
  /** `pngScales`: 1 = figure size, 2 = print. */
  readonly view: ExportViewDto; readonly formats: readonly ExportFormatDto[]; readonly pngScales: readonly number[]
  /** The user's own caption, appended to the generated one (scanned for patient data). */
  readonly caption?: string; readonly sidecar: boolean
  /** Opt-in hashed linkage ID (salted with the site secret in main). */
  readonly keepLinkageId: boolean
  /** Opt-in, DICOM only: the SC keeps the source's identifiers and study, to be filed back into it in PACS. */
  readonly fileToSourceStudy?: boolean
  /** The user confirmed the pixels of a source marked "burned-in annotation" carry no patient details. */
  readonly acceptBurnedInAnnotation: boolean
  /** Text found burned into the pixels: mask it in the figure, or keep it (the user checked it is not about the patient). */
  readonly burnedInText?: 'mask' | 'keep'
}

/** One file an export wrote (`json` = the provenance sidecar). */
export interface ExportedFileDto {
  /** File name (inside `folder`, or inside the download's ZIP). */
  readonly name: string
  readonly format: ExportFormatDto | 'json'
  readonly bytes: number; readonly width?: number; readonly height?: number; readonly scale?: number
}

/** Browser mode's delivery: the export as one file for the browser to save (the only file, or a ZIP of all). */
export interface ExportDownloadDto { readonly name: string; readonly mime: string; readonly bytes: Uint8Array }

/** Where the figure went and what was written. One figure per class shown (a figure explains one class). */
export interface ExportReportDto {
  /** Electron: the folder the user chose. Browser mode: null, and `download` carries the files. */
  readonly folder: string | null
  readonly figures: number; readonly files: readonly ExportedFileDto[]; readonly warnings: readonly string[]
  readonly download?: ExportDownloadDto
}

declare module './contract' {
  interface InvokeContract {
    'export:figure': { req: ExportFigureRequest; res: ExportReportDto | null }
    'export:cancel': { req: { readonly requestId: string }; res: { readonly cancelled: boolean } }
  }
  interface RendererApi {
    /** Writes the figure; `null` when the user cancelled the folder dialog (Electron). */
    exportFigure(req: ExportFigureRequest): Promise<Result<ExportReportDto | null>>
    cancelExport(req: ReqOf<'export:cancel'>): Promise<Result<{ readonly cancelled: boolean }>>
  }
}
