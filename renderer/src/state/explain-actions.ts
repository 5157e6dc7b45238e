/**
 * Running and showing explanations. One engine run returns every method for one class and layer range, so
 * changing the method (or opacity, colormap…) never re-runs the model; changing the class or layers does,
 * unless that result is already cached.
 */
import type { ExplainResultDto, MethodResultDto, ModelInfoDto } from '../../../preload/contract'
import type { ModelFrame } from '@core/ui/coords'
import { scaleMaps, type EngineMap, type ScaledMap } from '@core/scene/panel-scene'
import { relevanceRanks } from '@core/ui/summary'
import { getApi } from '../api'
import type { PaneData } from '../canvas/overlay-scene'
import { beginBusy, endBusy, isCurrent, showError } from './busy'
import { refreshDrill } from './drill-actions'
import { markResultArrived } from './metrics'
import { resultKey, resultsCache } from './results-cache'
import { scene, session, type CompareState, type SessionState } from './session'
import { refreshFaithfulness } from './trust-actions'

export function classLabel(model: ModelInfoDto | null, index: number): string {
  return model?.classes[index] ?? `class ${index}`
}

/** The map on its own scale and the patch ranks depend only on the engine's arrays: computed once per method result. */
const derived = new WeakMap<MethodResultDto, { own: ScaledMap; ranks: Uint16Array }>()

const engineMap = (m: MethodResultDto): EngineMap => ({ heatmap: m.heatmap, width: m.heatmapWidth, height: m.heatmapHeight, degenerate: m.degenerate })

function paneFrom(result: ExplainResultDto, methodId: string | null, model: ModelInfoDto): PaneData | null {
  const m = result.methods.find((x) => x.methodId === methodId) ?? result.methods[0]
  if (m === undefined) return null
  let d = derived.get(m)
  if (d === undefined) {
    d = { own: scaleMaps([engineMap(m)])[0]!, ranks: relevanceRanks(m.patchRelevance) }
    derived.set(m, d)
  }
  const method = session.get().methods.find((x) => x.id === m.methodId)
  return {
    runId: result.runId,
    label: `${method?.label ?? m.methodId} · ${classLabel(model, result.targetClass)}`,
    methodId: m.methodId,
    map: d.own,
    patchRelevance: m.patchRelevance,
    ranks: d.ranks,
  }
}

function frameFrom(result: ExplainResultDto): ModelFrame {
  const t = result.transform
  return { crop: t.crop, modelWidth: t.modelWidth, modelHeight: t.modelHeight }
}

/** The choices behind what is on screen; restored when a run for new choices is cancelled or fails. */
let shown: Pick<SessionState, 'targetClass' | 'layerRange' | 'compare'> | null = null

/** A new image has no "shown" choices yet. */
export function forgetShownChoices(): void {
  shown = null
}

function restoreShownChoices(): void {
  if (shown !== null) session.set(shown)
}

async function ensureResult(targetClass: number | null): Promise<ExplainResultDto | null> {
  const s = session.get()
  if (s.image === null || s.model === null) return null
  const inputKey = s.image.modelInput.key
  const key = resultKey(s.image.imageId, inputKey, targetClass, s.layerRange)
  const hit = resultsCache.get(key)
  if (hit !== undefined) return hit
  const what = targetClass === null ? 'the top class' : `“${classLabel(s.model, targetClass)}”`
  const requestId = beginBusy('explain', `Explaining ${what}`)
  const r = await getApi().runExplain({
    requestId,
    imageId: s.image.imageId,
    options: {
      modelId: s.model.id,
      topK: 5,
      ...(targetClass !== null ? { targetClass } : {}),
      ...(s.layerRange !== null ? { startLayer: s.layerRange.start, endLayer: s.layerRange.end } : {}),
    },
  })
  if (!isCurrent(requestId)) {
    // Cancelled (nothing is busy any more): the pickers go back to what the screen shows. Superseded by a
    // newer request: that request owns the pickers now, leave them alone.
    if (session.get().busy === null) restoreShownChoices()
    return null
  }
  endBusy(requestId)
  if (!r.ok) {
    restoreShownChoices()
    showError('explain', 'The explanation could not be computed. The previous result is still shown.', r.error)
    return null
  }
  resultsCache.set(key, r.value)
  resultsCache.set(resultKey(s.image.imageId, inputKey, r.value.targetClass, s.layerRange), r.value)
  return r.value
}

let refreshSeq = 0

/** Brings the overlay in line with the current choices, running the model only for what is not cached. */
export async function refresh(): Promise<void> {
  const mySeq = ++refreshSeq
  // The model input this refresh is for; the scene shows the result only while that image is on screen.
  const inputKey = session.get().image?.modelInput.key ?? ''
  const main = await ensureResult(session.get().targetClass)
  if (main === null || mySeq !== refreshSeq) return
  const { compare } = session.get()
  let second: ExplainResultDto | null = null
  if (compare.enabled) {
    second = compare.targetClass === null || compare.targetClass === main.targetClass ? main : await ensureResult(compare.targetClass)
    if (mySeq !== refreshSeq) return
  }
  const s = session.get()
  const model = s.model
  if (model === null) return
  markResultArrived()
  scene.setResult(
    { width: main.transform.modelWidth, height: main.transform.modelHeight, data: main.modelInputPreview },
    frameFrom(main),
    { gridRows: model.grid[0], gridCols: model.grid[1] },
    inputKey,
  )
  scene.setPanes(
    compare.enabled
      ? onSharedScale([paneFrom(main, s.methodId, model), second === null ? null : paneFrom(second, compare.methodId ?? s.methodId, model)])
      : [paneFrom(main, s.methodId, model)],
  )
  const previousRun = s.result?.runId
  shown = { targetClass: s.targetClass, layerRange: s.layerRange, compare: s.compare }
  session.set({
    result: {
      runId: main.runId, modelId: main.modelId, provider: main.provider, targetClass: main.targetClass, topK: main.topK,
      timings: main.timings, inputMapping: main.inputMapping, verdict: main.verdict, trust: main.trust,
    },
    error: s.error?.context === 'explain' ? null : s.error,
  })
  if (previousRun !== main.runId) void refreshDrill()
  const shownMethod = main.methods.find((m) => m.methodId === s.methodId) ?? main.methods[0]
  if (shownMethod !== undefined) void refreshFaithfulness(main.runId, shownMethod.methodId)
}

/**
 * Two panes side by side are compared, so they share one colour scale (core/scene/panel-scene.ts `scaleMaps`,
 * the figure's own scaling); a single pane keeps its own min–max (the legend says which).
 */
function onSharedScale(panes: readonly [PaneData | null, PaneData | null]): (PaneData | null)[] {
  const [a, b] = panes
  if (a === null || b === null) return [...panes]
  // A pane's own-scale map holds the engine's array as is (scaleMaps of one map copies nothing).
  const asEngine = (p: PaneData): EngineMap => ({ heatmap: p.map.values, width: p.map.width, height: p.map.height, degenerate: p.map.degenerate })
  const shared = scaleMaps([asEngine(a), asEngine(b)])
  return [a, b].map((p, i) => ({ ...p, map: shared[i]! }))
}

export function selectMethod(methodId: string): void {
  session.set({ methodId })
  void refresh()
}

/** `null` explains the model's top class. */
export function selectClass(targetClass: number | null): void {
  session.set({ targetClass })
  void refresh()
}

export function setLayerRange(range: { start: number; end: number } | null): void {
  session.set({ layerRange: range })
  void refresh()
}

export function setCompare(patch: Partial<CompareState>): void {
  session.set((s) => ({ compare: { ...s.compare, ...patch } }))
  void refresh()
}
