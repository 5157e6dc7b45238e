import { useSession } from '../state/hooks'

const ms = (v: number | null): string => (v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`)

/** Model, execution provider and the two timings the app budgets (first overlay, drill-down update). */
export function StatusBar() {
  const info = useSession((s) => s.appInfo)
  const model = useSession((s) => s.model)
  const image = useSession((s) => s.image)
  const firstOverlayMs = useSession((s) => s.firstOverlayMs)
  const drillUpdateMs = useSession((s) => s.drillUpdateMs)
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span>{model === null ? 'No model' : `Model: ${model.name}`}</span>
      <span data-provider={info?.provider ?? ''}>{info === null ? 'Starting…' : `Runs on: ${info.provider.toUpperCase()}`}</span>
      {image !== null && <span>Image: {image.name} ({image.width}×{image.height})</span>}
      <span data-testid="first-overlay-ms">First overlay: {ms(firstOverlayMs)}</span>
      <span data-testid="drill-update-ms">Drill-down: {ms(drillUpdateMs)}</span>
      <span className="mode">{info?.mode === 'browser' ? 'Browser mode' : info?.mode === 'electron' ? 'Desktop' : ''}</span>
    </footer>
  )
}
