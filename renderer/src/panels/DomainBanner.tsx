import { usePaneScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'

/** One empty list: a selector must return a stable value. */
const NO_REASONS: readonly string[] = []

/**
 * The out-of-domain banner (docs/TRUST.md): the panel scene's banner (the one its figure carries above
 * everything), shown while the result on screen comes from an input the domain guard flagged, with the guard's
 * reasons. The wrapper stays in the layout either way.
 */
export function DomainBanner() {
  const banner = usePaneScene(0, (s) => s?.banner ?? null)
  const reasons = useSession((s) => s.result?.trust.domain.reasons ?? NO_REASONS)
  return (
    <div className="alerts">
      {banner !== null && (
        <div className="domain-banner" role="alert" data-testid="domain-banner">
          <strong>{banner}</strong>
          <span> The verdict and the maps below are shown for inspection only. Why: {reasons.join('; ')}.</span>
        </div>
      )}
    </div>
  )
}
