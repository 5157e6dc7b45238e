import { useSession } from '../state/hooks'

const ms = (v: number | null): string => (v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`)

/** Model, execution provider and the two timings the app budgets (first overlay, drill-down update). */
export function StatusBar() {
  const info = useSession((s) => s.appInfo)
  const model = useSession((s) => s.model)
  const image = useSession((s) => s.image)
  const firstOverlayMs = useSession((s) => s.firstOverlayMs)
  const drillUpdateMs = useSession((s) => s.drillUpdateMs)
  // The provider that computed the run on screen; before any run, the one the engine loaded with (appInfo is
  // read once at start-up, before a model may have loaded on another provider).
  const provider = useSession((s) => s.result?.provider) ?? info?.provider
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span>{model === null ? 'No model' : `Model: ${model.name}`}</span>
      <span data-provider={provider ?? ''}>{provider === undefined ? 'Starting…' : `Runs on: ${provider.toUpperCase()}`}</span>
      {image !== null && <span>Image: {image.name} ({image.width}×{image.height})</span>}
      <span data-testid="first-overlay-ms">First overlay: {ms(firstOverlayMs)}</span>
      <span data-testid="drill-update-ms">Drill-down: {ms(drillUpdateMs)}</span>
      <span className="mode">{info?.mode === 'browser' ? 'Browser mode' : info?.mode === 'electron' ? 'Desktop' : ''}</span>
    </footer>
  )
}
