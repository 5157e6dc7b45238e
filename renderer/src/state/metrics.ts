/**
 * Timings the issue budgets (drop → first overlay ≤ 2 s; click → drill-down panel ≤ 50 ms), measured in the
 * page where the user sees them, shown in the status bar and read by the e2e bench from data attributes.
 */
import { session } from './session'

let overlayStartedAt: number | null = null
let resultArrivedAt: number | null = null

/** Called when the user drops or opens a file. */
export function startOverlayClock(at: number = performance.now()): void {
  overlayStartedAt = at
}

/** Called when a run's result reaches the page: what follows until the draw is the page's own cost. */
export function markResultArrived(): void {
  if (overlayStartedAt !== null) resultArrivedAt = performance.now()
}

/** Called by the heatmap layer after it has drawn a heatmap. Only the first draw after a drop counts. */
export function reportOverlayDrawn(): void {
  if (overlayStartedAt === null) return
  const now = performance.now()
  session.set({ firstOverlayMs: now - overlayStartedAt, overlayRenderMs: resultArrivedAt === null ? null : now - resultArrivedAt })
  overlayStartedAt = null
  resultArrivedAt = null
}

/** Called by the drill-down panel once its heatmaps are drawn: total since the click, and the page's share. */
export function reportDrillDrawn(requestedAt: number, respondedAt: number): void {
  const now = performance.now()
  session.set({ drillUpdateMs: now - requestedAt, drillRenderMs: now - respondedAt })
}
