import { outOfDomainBanner, trainedOnNameOf } from '@core/trust/report'
import { useSession } from '../state/hooks'

/**
 * The out-of-domain banner (docs/TRUST.md): shown above everything while the result on screen comes from an
 * input the domain guard flagged, with the guard's reasons. The wrapper stays in the layout either way.
 */
export function DomainBanner() {
  const domain = useSession((s) => s.result?.trust.domain ?? null)
  const model = useSession((s) => s.model)
  return (
    <div className="alerts">
      {domain?.inDomain === false && (
        <div className="domain-banner" role="alert" data-testid="domain-banner">
          <strong>{outOfDomainBanner(model === null ? undefined : trainedOnNameOf(model.card))}</strong>
          <span> The verdict and the maps below are shown for inspection only. Why: {domain.reasons.join('; ')}.</span>
        </div>
      )}
    </div>
  )
}
