/**
 * `--format`: one figure per method through `exportFigure` (docs/EXPORT.md), the same entry point the app
 * uses, so a batch figure and an app figure of the same run are the same file. Runs in the CLI's own thread:
 * nothing else waits on this event loop.
 */
import { basename } from 'node:path'
import { exportFigure } from '../adapters/export'
import type { ExplainResult, ModelInfo } from '../core/engine/api'
import { AppError } from '../core/errors'
import { methodInfo, getMethod } from '../core/explain/registry'
import type { ExportSource } from '../core/export/types'
import { trainedOnNameOf } from '../core/trust/report'
import type { FaithfulnessCheck } from '../core/trust/types'
import type { Rgb8Image } from '../core/image/types'
import type { ExplainArgs, FigureArgs } from './args'

/** What one input contributes to its figures. */
export interface FigureInput {
  readonly result: ExplainResult
  /** The picture the engine explained (the displayed window of a scan); absent for tensors. */
  readonly image?: Rgb8Image
  readonly source: ExportSource
  readonly inputMapping?: Readonly<Record<string, string | number | boolean>>
  /** Quick deletion check of each method's map (docs/TRUST.md). */
  readonly faithfulness?: Readonly<Record<string, FaithfulnessCheck | null>>
}

/** One file written, as the JSON summary lists it (name only: the folder is the --out the user gave). */
export interface FigureFile {
  readonly methodId: string
  readonly file: string
  readonly format: string
}

/** Writes every method's figure; stops at the first refusal (PHI, burned-in text), which concerns the whole input. */
export async function writeFigures(args: ExplainArgs, fig: FigureArgs, models: readonly ModelInfo[], input: FigureInput,
  appVersion: string, signal?: AbortSignal): Promise<{ files: FigureFile[]; warnings: string[] }> {
  const r = input.result
  const model = models.find((m) => m.id === r.modelId)
  if (model === undefined) throw new AppError('model/not-found', { detail: { modelId: r.modelId } })
  const preview = { width: r.transform.modelWidth, height: r.transform.modelHeight, data: r.modelInputPreview }
  const files: FigureFile[] = []
  const warnings = new Set<string>()
  for (const m of r.methods) {
    const report = await exportFigure({
      result: r,
      image: input.image ?? preview,
      model,
      view: {
        methodIds: [m.methodId], colormap: args.colormap, opacity01: args.opacity01, threshold01: 0, contour: false, showGrid: false,
        layerRange: args.startLayer !== undefined && args.endLayer !== undefined ? { start: args.startLayer, end: args.endLayer } : null,
        mode: input.image === undefined ? 'model' : 'image',
      },
      source: input.source,
      appVersion,
      methodLabels: { [m.methodId]: methodInfo(getMethod(m.methodId)).label },
      ...(input.faithfulness !== undefined ? { faithfulness: input.faithfulness } : {}),
      ...(trainedOnNameOf(model.card) !== undefined ? { trainedOnName: trainedOnNameOf(model.card)! } : {}),
      ...(input.inputMapping !== undefined ? { inputMapping: input.inputMapping } : {}),
      ...(fig.caption !== undefined ? { caption: fig.caption } : {}),
    }, {
      outDir: args.out, formats: fig.formats, scales: fig.scales, sidecar: fig.sidecar,
      acceptBurnedInAnnotation: fig.acceptBurnedIn, keepLinkageId: fig.keepLinkageId,
      ...(fig.fileToSourceStudy ? { fileToSourceStudy: true } : {}),
      ...(fig.burnedInText !== undefined ? { burnedInText: fig.burnedInText } : {}),
      ...(fig.linkageSalt !== undefined ? { linkageSalt: fig.linkageSalt } : {}),
      ...(signal !== undefined ? { signal } : {}),
    })
    for (const f of report.files) files.push({ methodId: m.methodId, file: basename(f.path), format: f.format })
    for (const w of report.warnings) warnings.add(w)
  }
  return { files, warnings: [...warnings] }
}
