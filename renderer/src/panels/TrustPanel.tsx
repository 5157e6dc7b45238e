import type { FaithfulnessCheckDto } from '../../../preload/trust-contract'
import { describeEvaluated, methodTrust } from '@core/trust/report'
import { useScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'

const p2 = (x: number): string => x.toFixed(2)
const pct = (x: number): string => `${Math.round(x * 100)} %`

/** The quick deletion check as a mini curve: p of the explained class vs share of patches replaced. */
function DeletionCurve({ check }: { readonly check: FaithfulnessCheckDto }) {
  const W = 160
  const H = 56
  const x = (f: number): number => 4 + (f / 0.5) * (W - 8)
  const y = (p: number): number => 4 + (1 - p) * (H - 8)
  const line = (pick: (pt: FaithfulnessCheckDto['points'][number]) => number): string =>
    [`${x(0)},${y(check.original)}`, ...check.points.map((pt) => `${x(pt.fraction)},${y(pick(pt))}`)].join(' ')
  return (
    <svg width={W} height={H} className="deletion-curve" role="img" aria-label="Probability as patches are removed: most relevant first (solid) and random (dashed)">
      <rect x={0} y={0} width={W} height={H} className="deletion-frame" />
      <polyline points={line((pt) => pt.random)} className="deletion-random" />
      <polyline points={line((pt) => pt.relevant)} className="deletion-relevant" />
    </svg>
  )
}

/**
 * Per-image trust panel (issue 13 item 3; docs/TRUST.md): the verdict at the card's operating point, the
 * domain guard, the quick deletion check of the shown map, its agreement with the other methods and the
 * method's evaluated record, summed up as pass / warn / fail with the reason.
 */
export function TrustPanel() {
  const result = useSession((s) => s.result)
  const methods = useSession((s) => s.methods)
  const faith = useSession((s) => s.faithfulness)
  const pane = useScene((s) => s.panes[0] ?? null)
  if (result === null || pane === null) return null
  const check = faith.key === `${result.runId}|${pane.methodId}` ? faith.check : null
  const t = methodTrust(result.trust, pane.methodId, pane.map.degenerate || pane.map.nearlyFlat, check)
  const label = (id: string): string => methods.find((m) => m.id === id)?.label ?? id
  const agreement = t.agreement
  const best = agreement === null ? [] : Object.entries(agreement.spearman).sort((a, b) => b[1] - a[1])
  const e = t.evaluated
  const d = t.domain
  return (
    <section className="panel trust" aria-labelledby="trust-title" data-testid="trust-panel">
      <h2 id="trust-title">Can I trust this?</h2>
      <p className={`trust-label trust-${t.label}`} data-testid="trust-label">
        <strong>{t.label.toUpperCase()}</strong> — {t.reason}
      </p>
      <h3>Input</h3>
      <p className="hint" data-testid="trust-domain">
        {d.inDomain === null ? 'Domain not assessed' : d.inDomain ? 'Like the training images' : 'OUT OF DOMAIN'}
        {d.score !== null && d.threshold !== null ? ` (feature distance ${d.score.toFixed(1)}, threshold ${d.threshold.toFixed(1)}` : ''}
        {d.score !== null && d.pixels !== null ? `; pixel distance ${d.pixels.score.toFixed(1)}, threshold ${d.pixels.threshold.toFixed(1)}` : ''}
        {d.score !== null ? ')' : ''}
        {/* Worded so that it cannot read as a second verdict next to PASS (docs/TRUST.md: reported, does not decide). */}
        {d.secondOpinion !== null ? `; second opinion, which does not decide: the logits' ${d.secondOpinion.name} is ${d.secondOpinion.inDomain ? 'usual' : 'unusual'}` : ''}.
      </p>
      <h3>Deletion check of this map</h3>
      {faith.status === 'loading' && <p className="hint">Checking…</p>}
      {faith.status === 'error' && <p className="hint">The check failed.</p>}
      {faith.status === 'ready' && check === null && <p className="hint">Not available: the model has no classifier graph.</p>}
      {check !== null && (
        <div data-testid="trust-deletion">
          <DeletionCurve check={check} />
          <p className="hint">
            Removing the {pct(check.points[0]!.fraction)} most relevant patches moves p from {p2(check.original)} to {p2(check.points[0]!.relevant)};
            random patches: {p2(check.points[0]!.random)}. Mean margin over random: {p2(check.margin)}.
          </p>
        </div>
      )}
      <h3>Agreement with the other methods</h3>
      <p className="hint" data-testid="trust-agreement">
        {agreement === null || agreement.medianSpearman === null
          ? 'No other method in this run.'
          : `Median rank correlation ${p2(agreement.medianSpearman)}; closest: ${best.slice(0, 2).map(([id, r]) => `${label(id)} ${p2(r)}`).join(', ')}.`}
      </p>
      <h3>Evaluated record</h3>
      <p className="hint" data-testid="trust-evaluated">
        {describeEvaluated(e)}
      </p>
    </section>
  )
}
