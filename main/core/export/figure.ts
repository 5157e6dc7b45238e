/**
 * From an export request to a figure specification: the panels to draw (one per shown method), the
 * picture and model crop under them, the strings, the provenance and the list of every text the export
 * will write (for the privacy preflight). Pure; the adapters encode the spec into files.
 */
import type { ExplainResult, MethodResult } from '../engine/api'
import { AppError } from '../errors'
import type { Rgb8Image } from '../image/types'
import { buildPanelScene, scaleMaps, type PanelScene, type PanelSceneInput, type ScaledMap } from '../scene/panel-scene'
import { patchCell, type ModelFrame, type PatchGrid } from '../ui/coords'
import type { ValueRange } from '../ui/heatmap-image'
import { layoutFigure, type FigureLayout, type LayoutInput } from './layout'
import { defaultFileStem, sanitiseFileStem, type TextItemToCheck } from './privacy'
import { DEID_PROFILE, PROVENANCE_SCHEMA, provenanceJson, type FigureProvenance, type MethodProvenance } from './provenance'
import { captionText, footerText, headerLines, panelTitle } from './text'
import type { FigureRequest } from './types'
import { methodTrust, RESEARCH_ONLY } from '../trust/report'

/**
 * One heatmap panel: the method, its value range and flags (for the provenance), and the scene the encoders
 * draw (core/scene/panel-scene.ts, the same scene the viewer draws). A single panel draws the engine's array
 * as is; side-by-side panels draw each map relative to its mean |value| on one shared range, so their colours
 * can be compared.
 */
export interface FigurePanel {
  readonly methodId: string
  readonly label: string
  readonly range: ValueRange
  readonly degenerate: boolean
  /** The map varies by less than 5 % of its magnitude (core/trust/scale.ts): its colours exaggerate. */
  readonly nearlyFlat?: boolean
  readonly scene: PanelScene
}

/** Everything the encoders need, independent of format and scale. */
export interface FigureSpec {
  readonly panels: readonly FigurePanel[]
  readonly title: string
  readonly caption: string
  readonly layoutInput: LayoutInput
  readonly provenance: FigureProvenance
  /** Canonical JSON of `provenance` (the exact text embedded everywhere). */
  readonly provenanceJson: string
  readonly fileStem: string
}

/** Extra inputs decided by the adapter (clock, opt-in linkage). */
export interface FigureContext {
  readonly createdAt: string
  readonly linkageId: string | null
}

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0)

function pickMethods(result: ExplainResult, ids: readonly string[]): MethodResult[] {
  if (ids.length === 0) throw new AppError('export/invalid-request', { detail: { reason: 'no method shown' } })
  return ids.map((id) => {
    const m = result.methods.find((r) => r.methodId === id)
    if (m === undefined) throw new AppError('export/invalid-request', { detail: { reason: 'method not in result', methodId: id } })
    if (m.heatmap.length !== m.heatmapWidth * m.heatmapHeight || m.heatmapWidth < 1) {
      throw new AppError('export/invalid-request', { detail: { reason: 'heatmap size', methodId: id } })
    }
    return m
  })
}

/**
 * The picture and model frame of the view. The display image may be a uniformly scaled rendition of the
 * original (InputTransform is in original pixels), so the crop is scaled to the image actually drawn.
 */
export function pictureAndFrame(req: FigureRequest): { image: Rgb8Image; frame: ModelFrame } {
  const t = req.result.transform
  if ((req.view.mode ?? 'image') === 'model') {
    const image = { width: t.modelWidth, height: t.modelHeight, data: req.result.modelInputPreview }
    if (image.data.length !== image.width * image.height * 3) throw new AppError('export/invalid-request', { detail: { reason: 'preview size' } })
    return { image, frame: { crop: { x: 0, y: 0, width: t.modelWidth, height: t.modelHeight }, modelWidth: t.modelWidth, modelHeight: t.modelHeight } }
  }
  const img = req.image
  if (img.width < 1 || img.height < 1 || img.data.length !== img.width * img.height * 3) {
    throw new AppError('export/invalid-request', { detail: { reason: 'image size' } })
  }
  const kx = img.width / Math.max(1, t.originalWidth)
  const ky = img.height / Math.max(1, t.originalHeight)
  const crop = { x: t.crop.x * kx, y: t.crop.y * ky, width: t.crop.width * kx, height: t.crop.height * ky }
  return { image: img, frame: { crop, modelWidth: t.modelWidth, modelHeight: t.modelHeight } }
}

function methodParameters(req: FigureRequest, id: string): Record<string, string | number | boolean | null> {
  const range = req.view.layerRange ?? null
  return {
    ...(req.methodParameters?.[id] ?? {}),
    targetClass: req.result.targetClass,
    startLayer: range === null ? null : range.start,
    endLayer: range === null ? null : range.end,
  }
}

/** Builds the provenance record (exported for tests and for callers that only want the sidecar). */
export function buildProvenance(req: FigureRequest, panels: readonly FigurePanel[], grid: PatchGrid, ctx: FigureContext): FigureProvenance {
  const r = req.result
  const t = r.transform
  const score = r.topK.find((c) => c.index === r.targetClass)
  const pinned = req.view.pinnedPatch == null ? null : patchCell(req.view.pinnedPatch, grid)
  const methods: MethodProvenance[] = panels.map((p) => {
    const { domain, ...trust } = methodTrust(r.trust, p.methodId, p.degenerate || p.nearlyFlat === true, req.faithfulness?.[p.methodId] ?? null)
    void domain // recorded once for the figure, below
    return { id: p.methodId, label: p.label, parameters: methodParameters(req, p.methodId), valueRange: p.range, degenerate: p.degenerate, trust }
  })
  return {
    schema: PROVENANCE_SCHEMA,
    createdAt: ctx.createdAt,
    app: { name: 'Mamba Lens', version: req.appVersion },
    model: { id: req.model.id, name: req.model.name, sha256: req.model.sha256 },
    executionProvider: r.provider,
    input: {
      sha256: req.source.fileSha256, kind: req.source.kind, width: t.originalWidth, height: t.originalHeight,
      ...(req.inputMapping !== undefined ? { mapping: { ...req.inputMapping } } : {}),
    },
    normalisation: {
      crop: { x: t.crop.x, y: t.crop.y, width: t.crop.width, height: t.crop.height },
      modelWidth: t.modelWidth, modelHeight: t.modelHeight, resize: t.resize, mean: [...t.mean], std: [...t.std],
      heatmap: panels.length > 1 ? 'shared min-max' : 'min-max per map',
    },
    target: { index: r.targetClass, label: req.model.classes[r.targetClass] ?? score?.label ?? `class ${r.targetClass}`, probability: score?.probability ?? null },
    verdict: r.verdict, domain: r.trust.domain, intendedUse: RESEARCH_ONLY,
    methods,
    view: {
      layout: panels.length > 1 ? 'side-by-side' : 'single',
      mode: req.view.mode ?? 'image',
      colormap: req.view.colormap,
      opacity: clamp01(req.view.opacity01),
      threshold: clamp01(req.view.threshold01),
      contour: req.view.contour,
      patchGrid: req.view.showGrid,
      pinnedPatch: pinned === null ? null : { index: pinned.index, row: pinned.row, col: pinned.col },
      layerRange: req.view.layerRange == null ? null : { start: req.view.layerRange.start, end: req.view.layerRange.end },
    },
    privacy: { profile: DEID_PROFILE, linkageId: ctx.linkageId },
  }
}

/** Request → figure spec. Throws `export/invalid-request` for a view the result cannot show. */
export function buildFigureSpec(req: FigureRequest, ctx: FigureContext): FigureSpec {
  const chosen = pickMethods(req.result, req.view.methodIds)
  const { image, frame } = pictureAndFrame(req)
  const grid: PatchGrid = { gridRows: req.model.grid[0], gridCols: req.model.grid[1] }
  const maps = scaleMaps(chosen.map((m) => ({ heatmap: m.heatmap, width: m.heatmapWidth, height: m.heatmapHeight, degenerate: m.degenerate })))
  const sceneOf = (i: number): PanelScene => buildPanelScene(figureSceneInput(req, image, frame, grid, maps[i]!))
  const panels: FigurePanel[] = chosen.map((m, i) => ({
    methodId: m.methodId, label: req.methodLabels?.[m.methodId] ?? m.methodId, range: maps[i]!.range,
    degenerate: maps[i]!.degenerate, nearlyFlat: maps[i]!.nearlyFlat, scene: sceneOf(i),
  }))
  const provenance = buildProvenance(req, panels, grid, ctx)
  const caption = captionText(provenance, req.caption)
  const scenes = panels.map((p) => p.scene)
  const first = scenes[0]!
  const layoutInput: LayoutInput = {
    imageWidth: image.width, imageHeight: image.height,
    alert: first.banner === null ? [] : [`OUT OF DOMAIN — ${first.banner}`],
    header: headerLines(provenance, first.window === null ? undefined : req.display),
    panelTitles: panels.map((p) => panelTitle(p.label, p.degenerate, p.nearlyFlat === true)),
    panelTicks: scenes.map((sc) => sc.colorBar?.ticks ?? []),
    barNames: scenes.map((sc) => sc.colorBar?.name ?? ''),
    ...(first.scaleBar !== null ? { mmPerImagePx: first.scaleBar.mmPerPicturePx } : {}),
    caption, footer: footerText(provenance),
  }
  const stem = req.fileStem !== undefined && req.fileStem.trim() !== ''
    ? sanitiseFileStem(req.fileStem) : defaultFileStem(req.source.fileSha256, panels.map((p) => p.methodId), provenance.target)
  return {
    panels,
    title: `${panels.map((p) => p.label).join(' vs ')} — ${provenance.target.label}`,
    caption, layoutInput, provenance, provenanceJson: provenanceJson(provenance), fileStem: stem,
  }
}

/**
 * The scene input of a figure panel: the viewer fills the same input from its state
 * (renderer/src/canvas/pane-scene.ts), so a view and its figure are one scene.
 */
export function figureSceneInput(req: FigureRequest, picture: Rgb8Image, frame: ModelFrame, grid: PatchGrid, map: ScaledMap): PanelSceneInput {
  const v = req.view
  const domain = req.result.trust.domain
  return {
    picture, mode: v.mode ?? 'image', frame, grid, map,
    style: { colormap: v.colormap, opacity01: v.opacity01, threshold01: v.threshold01, contour: v.contour },
    showGrid: v.showGrid,
    pinned: v.pinnedPatch == null ? null : patchCell(v.pinnedPatch, grid),
    display: req.display ?? null,
    pixelSpacingMm: req.display?.pixelSpacingMm ?? mappingSpacing(req.inputMapping),
    domain: domain === undefined ? null : { inDomain: domain.inDomain, ...(req.trainedOnName !== undefined ? { trainedOnName: req.trainedOnName } : {}) },
  }
}

/**
 * The file's pixel spacing as the model-input mapping records it (grey and colour alike): a colour ultrasound with a
 * spacing has no display window, but its figure still gets the scale bar the screen draws.
 */
function mappingSpacing(m: FigureRequest['inputMapping']): { row: number; column: number } | null {
  const row = m?.['pixelSpacingRowMm']
  const column = m?.['pixelSpacingColumnMm']
  return typeof row === 'number' && typeof column === 'number' ? { row, column } : null
}

/** The layout of a spec at an integer scale. */
export function figureLayout(spec: FigureSpec, scale: number): FigureLayout {
  return layoutFigure(spec.layoutInput, scale)
}

/**
 * Every text the export writes outside the DICOM dataset (which is checked attribute by attribute):
 * file stem, title, caption, each label, the provenance JSON. The user's raw caption and stem are listed
 * too, so a name is caught even if sanitising or wrapping would have split it.
 */
export function textsToCheck(spec: FigureSpec, req: FigureRequest): TextItemToCheck[] {
  const items: TextItemToCheck[] = [
    { where: 'file-name', text: spec.fileStem },
    { where: 'title', text: spec.title },
    { where: 'caption', text: spec.caption },
    // Unescaped form: the canonical JSON spells non-ASCII as \uXXXX, which would hide "Müller" from the scan.
    { where: 'provenance', text: JSON.stringify(spec.provenance) },
    ...[...(spec.layoutInput.alert ?? []), ...spec.layoutInput.header].map((text) => ({ where: 'label', text })),
    ...spec.layoutInput.panelTitles.map((text) => ({ where: 'label', text })),
    { where: 'label', text: spec.layoutInput.footer },
  ]
  if (req.fileStem !== undefined) items.push({ where: 'file-name', text: req.fileStem })
  if (req.caption !== undefined) items.push({ where: 'caption', text: req.caption })
  return items
}
