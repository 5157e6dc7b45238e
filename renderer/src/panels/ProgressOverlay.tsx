import { useSession } from '../state/hooks'
import { cancelBusy } from '../state/busy'

/** Progress with a Cancel button for anything that takes longer than 200 ms. The page stays usable meanwhile. */
export function ProgressOverlay() {
  const busy = useSession((s) => s.busy)
  if (busy === null || !busy.showProgress) return null
  const pct = Math.round(busy.fraction * 100)
  return (
    <div className="progress" role="status" data-testid="progress">
      <span>{busy.label}{busy.stage !== 'starting' ? ` · ${busy.stage}` : ''}</span>
      <progress max={100} value={busy.fraction > 0 ? pct : undefined} aria-label={busy.label} />
      <button type="button" data-testid="cancel-run" onClick={() => void cancelBusy()}>
        Cancel
      </button>
    </div>
  )
}
