import { scaleBar } from '@core/ui/scan-view'
import { usePaneScene, useScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'
import { navIndexOf } from '../state/frame-nav'
import type { ImageMeta } from '../state/session'

/**
 * The viewer's corner text (as OHIF and Weasis show it): window / level of a grey scan, frame and slice
 * with their counts, and the zoom (100 % = one image pixel per screen pixel). "→ n" while the steps are
 * ahead of the screen; "map for another frame: hidden" while the shown image has no result yet.
 */
function cornerLines(s: {
  readonly image: ImageMeta
  /** The panel scene's window line (the figure header states the same window). */
  readonly window: string | null
  readonly navIndex: number | null
  readonly scale: number
  readonly isStale: boolean
}): string[] {
  const { image } = s
  const lines: string[] = []
  const ahead = (shown: number): string => (s.navIndex !== null && s.navIndex !== shown ? ` → ${s.navIndex + 1}` : '')
  if (s.window !== null) lines.push(s.window)
  if (image.slice !== null) lines.push(`Slice ${image.slice.index + 1}/${image.slice.count}${ahead(image.slice.index)}`)
  if (image.frame.count > 1) {
    const name = image.slice !== null ? 'Volume' : 'Frame'
    lines.push(`${name} ${image.frame.index + 1}/${image.frame.count}${image.slice === null ? ahead(image.frame.index) : ''}`)
  }
  lines.push(`Zoom ${Math.round(s.scale * 100)} %`)
  if (s.isStale) lines.push('Heat map: computing for this image')
  return lines
}

/**
 * Drawn over a pane, outside Konva (text and a line; they change only with zoom): the panel scene's window
 * and millimetre scale bar (a scan shown as itself with a pixel spacing, as in its figure) at the current zoom,
 * and the anatomical labels of the edges for oriented volumes (NIfTI). The heatmap sits on the original pixel
 * grid, so the same bar measures image and overlay.
 */
export function PaneAnnotations() {
  const windowText = usePaneScene(0, (s) => s?.window?.short ?? null)
  const sceneBar = usePaneScene(0, (s) => s?.scaleBar ?? null)
  const isModelView = usePaneScene(0, (s) => s?.mode === 'model')
  const spacing = useSession((s) => s.image?.pixelSpacingMm ?? null)
  const orientation = useSession((s) => s.image?.orientation ?? null)
  const hasImage = useScene((s) => s.image !== null)
  const scale = useScene((s) => s.viewport.scale)
  const image = useSession((s) => s.image)
  const navIndex = useSession((s) => (s.image === null ? null : navIndexOf(s.image, s.navTarget)))
  const hasResult = useScene((s) => s.resultKey !== '')
  const isStale = useScene((s) => s.resultKey !== '' && s.resultKey !== s.imageKey)
  if (!hasImage || image === null) return null
  const corner = cornerLines({ image, window: windowText, navIndex, scale, isStale: hasResult && isStale })
  const bar = sceneBar === null ? null : scaleBar(sceneBar.mmPerPicturePx / scale)
  const edges = orientation !== null && orientation.source !== 'none' && !isModelView ? orientation.edges : null
  return (
    <div className="pane-annotations">
      {bar !== null && (
        <div className="scale-bar" data-testid="scale-bar" data-mm={bar.mm} role="img" aria-label={`Scale bar: ${bar.label} (${spacing?.source})`}>
          <div className="scale-bar-line" style={{ width: `${bar.px}px` }} />
          <span>{bar.label}</span>
        </div>
      )}
      <div className="corner-text" data-testid="corner-text" data-frame={image.frame.index + 1} data-slice={image.slice === null ? '' : image.slice.index + 1}>
        {corner.map((l) => <div key={l}>{l}</div>)}
      </div>
      {edges !== null && (
        <>
          <span className="orient orient-left" data-testid="orient-left">{edges.left}</span>
          <span className="orient orient-right">{edges.right}</span>
          <span className="orient orient-top">{edges.top}</span>
          <span className="orient orient-bottom">{edges.bottom}</span>
        </>
      )}
    </div>
  )
}
