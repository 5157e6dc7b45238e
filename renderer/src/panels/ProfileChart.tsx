import { formatValue } from '@core/ui/heatmap-image'

interface Props {
  readonly profile: Readonly<Record<string, Float32Array>>
  readonly layers: number
  readonly labels: Readonly<Record<string, string>>
}

const W = 280
const H = 110
const PAD = 18
// Ten hues that stay apart on the dark panel; past ten a dash pattern keeps every series distinct (issue 15:
// two series shared a colour once the corrected rows joined the six methods).
const COLORS = ['#7ad3ff', '#ffb454', '#c792ea', '#8bd49c', '#f07178', '#e6db74', '#ff8fd0', '#4fd1c5', '#b0b8c8', '#ff7f3f']

/** Stroke of series `k`: its own colour, dashed from the eleventh series on. */
function seriesStyle(k: number): { readonly stroke: string; readonly dash: string | undefined } {
  return { stroke: COLORS[k % COLORS.length]!, dash: k >= COLORS.length ? '4 3' : undefined }
}

/**
 * The pinned patch's contribution across layers, one line per method. Each line is scaled to its own largest
 * magnitude (methods have different units); the table below gives the raw values for screen readers.
 */
export function ProfileChart({ profile, layers, labels }: Props) {
  const entries = Object.entries(profile).filter(([, v]) => v.some((a) => Number.isFinite(a)))
  if (entries.length === 0) return <p className="hint">No per-layer profile for this model.</p>
  // Vectors shorter than the model (e.g. gradient layers only) cover its last layers.
  const x = (i: number, n: number): number => PAD + ((layers - n + i) / Math.max(1, layers - 1)) * (W - 2 * PAD)
  return (
    <figure className="profile" data-testid="profile-chart">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Contribution profile across layers">
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="axis" />
        <text x={PAD} y={H - 4} className="tick">0</text>
        <text x={W - PAD} y={H - 4} className="tick" textAnchor="end">{layers - 1}</text>
        {entries.map(([id, v], k) => {
          let max = 0
          for (const a of v) if (Number.isFinite(a)) max = Math.max(max, Math.abs(a))
          // NaN marks layers a method does not use: the line breaks there instead of dropping to zero.
          const segments: string[][] = [[]]
          v.forEach((a, i) => {
            if (!Number.isFinite(a)) return void (segments[segments.length - 1]!.length > 0 && segments.push([]))
            segments[segments.length - 1]!.push(`${x(i, v.length).toFixed(1)},${(H - PAD - (max > 0 ? a / max : 0) * (H - 2 * PAD)).toFixed(1)}`)
          })
          return segments
            .filter((seg) => seg.length > 0)
            .map((seg, j) => (
              <polyline key={`${id}-${j}`} points={seg.join(' ')} fill="none" stroke={seriesStyle(k).stroke} strokeDasharray={seriesStyle(k).dash} strokeWidth={1.5} />
            ))
        })}
      </svg>
      <figcaption>
        {entries.map(([id], k) => (
          <span key={id} className="legend">
            <svg width="14" height="10" aria-hidden="true"><line x1="0" y1="5" x2="14" y2="5" stroke={seriesStyle(k).stroke} strokeDasharray={seriesStyle(k).dash} strokeWidth={3} /></svg> {labels[id] ?? id}
          </span>
        ))}
      </figcaption>
      {/* The wrapper is what hides: a table lays out at its content's width whatever its own width says, which
          made the page 4,000 px wide (issue 15: "pinning a patch makes the page 2,782 px wide"). */}
      <div className="visually-hidden">
        <table>
          <caption>Contribution of the pinned patch per layer</caption>
          <tbody>
            {entries.map(([id, v]) => (
              <tr key={id}>
                <th scope="row">{labels[id] ?? id}</th>
                <td>{Array.from(v, (a, i) => `layer ${i}: ${Number.isFinite(a) ? formatValue(a) : 'not used'}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  )
}
