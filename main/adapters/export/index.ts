/** Figure export (issue "Export annotated figures"): the entry point and the request/report types. */
export { exportFigure, PNG_PROVENANCE_KEY, type ExportDeps } from './export-figure'
export { PDF_ATTACHMENT, PDF_INFO_KEY } from './pdf'
export { PROVENANCE_NS } from './svg'
export {
  EXPORT_FORMATS, isExportFormat,
  type ExportFormat, type ExportOptions, type ExportReport, type ExportedFile, type ExportSource, type ExportView, type FigureRequest,
} from '../../core/export/types'
export { parseProvenance, type FigureProvenance } from '../../core/export/provenance'
