/**
 * Patch drill-down: pin a patch (click, Enter, arrows) and fetch its hidden-attention rows and columns for
 * every layer and direction from the engine's cached run. The previous panel stays visible while the next
 * one loads, so holding an arrow key scrolls smoothly instead of flashing.
 */
import { makeLayout, patchToToken } from '@core/layout'
import type { PatchCell } from '@core/ui/coords'
import { getApi } from '../api'
import { IDLE_DRILL, scene, session } from './session'

let drillSeq = 0

async function fetchDrill(cell: PatchCell, requestedAt: number): Promise<void> {
  const s = session.get()
  if (s.result === null || s.model === null) return
  const token = patchToToken(makeLayout(s.model.grid[0], s.model.grid[1]), cell.index)
  const mySeq = ++drillSeq
  // The timestamps stay those of the result still on screen until the new one arrives.
  session.set({ drill: { ...s.drill, status: 'loading', cell, error: null } })
  const r = await getApi().drilldown({ runId: s.result.runId, token })
  if (mySeq !== drillSeq) return
  const respondedAt = performance.now()
  session.set({
    drill: r.ok
      ? { status: 'ready', cell, result: r.value, error: null, requestedAt, respondedAt }
      : { status: 'error', cell, result: null, error: r.error, requestedAt, respondedAt },
  })
}

/** Pins `cell` (or clears with `null`) and loads its drill-down. */
export async function pinPatch(cell: PatchCell | null, requestedAt: number = performance.now()): Promise<void> {
  if (cell === null) return clearPin()
  scene.setPinned(cell)
  await fetchDrill(cell, requestedAt)
}

/** After a new run (other class or layers) the pinned patch's data must come from that run. */
export async function refreshDrill(): Promise<void> {
  const cell = scene.get().pinned
  if (cell !== null) await fetchDrill(cell, performance.now())
}

/** Arrow keys. Starts at the hovered patch (or the centre) when nothing is pinned yet. */
export function movePin(dRow: number, dCol: number): void {
  const t0 = performance.now()
  const cell = scene.movePinned(dRow, dCol)
  if (cell !== null) void fetchDrill(cell, t0)
}

/** Esc. */
export function clearPin(): void {
  drillSeq++
  scene.setPinned(null)
  session.set({ drill: IDLE_DRILL })
}
