import { useLayoutEffect, useMemo, useRef } from 'react'
import type { DrilldownResultDto } from '../../../preload/contract'
import { colormapLut, cssGradient, type ColormapId } from '@core/ui/colormaps'
import { formatValue } from '@core/ui/heatmap-image'
import { dropCls, makeLayout } from '@core/layout'
import { drawThumbnail, rgbCanvas, sharedThumbnailMax } from '../canvas/bitmaps'
import { scene } from '../state/session'
import { reportDrillDrawn } from '../state/metrics'

const KINDS = [
  { kind: 'to', dir: 0, title: 'Attends to · forward' },
  { kind: 'to', dir: 1, title: 'Attends to · backward' },
  { kind: 'from', dir: 0, title: 'Attended by · forward' },
  { kind: 'from', dir: 1, title: 'Attended by · backward' },
] as const

const THUMB_PX = 44

interface Props {
  readonly result: DrilldownResultDto
  readonly gridRows: number
  readonly gridCols: number
  readonly colormap: ColormapId
  readonly requestedAt: number
  readonly respondedAt: number
}

/** Per layer and scan direction: what the pinned patch attends to and who attends to it, over the model input. */
export function AttentionGrid({ result, gridRows, gridCols, colormap, requestedAt, respondedAt }: Props) {
  const tableRef = useRef<HTMLTableElement>(null)
  const layers = result.rows.length
  // One scale for every thumbnail, so layers and directions can be compared by colour.
  const max = useMemo(() => {
    const layout = makeLayout(gridRows, gridCols)
    const vectors = [...result.rows, ...result.cols].flat().filter((v) => v.length === layout.tokens).map((v) => dropCls(layout, v))
    return sharedThumbnailMax(vectors, result.patch)
  }, [result, gridRows, gridCols])
  useLayoutEffect(() => {
    const table = tableRef.current
    if (table === null) return
    const layout = makeLayout(gridRows, gridCols)
    const preview = scene.get().preview
    const previewCanvas = preview === null ? null : rgbCanvas(preview)
    const lut = colormapLut(colormap)
    for (const canvas of table.querySelectorAll<HTMLCanvasElement>('canvas[data-layer]')) {
      const layer = Number(canvas.dataset.layer)
      const dir = Number(canvas.dataset.dir) as 0 | 1
      const source = canvas.dataset.kind === 'to' ? result.rows : result.cols
      const vec = source[layer]?.[dir]
      const ctx = canvas.getContext('2d')
      if (vec === undefined || ctx === null || vec.length !== layout.tokens) continue
      drawThumbnail(ctx, previewCanvas, dropCls(layout, vec), gridRows, gridCols, lut, result.patch, max)
    }
    reportDrillDrawn(requestedAt, respondedAt)
  }, [result, gridRows, gridCols, colormap, requestedAt, respondedAt, max])
  return (
    <>
    <figure className="thumb-scale" data-testid="thumb-scale" data-max={max} aria-label={`Thumbnail colour scale, one for all: 0 to ${formatValue(max)}`}>
      <div className="thumb-scale-ramp" style={{ backgroundImage: cssGradient(colormap).replace('to top', 'to right') }} />
      <figcaption><span>0</span><span>|attention|, one scale for all thumbnails</span><span>{formatValue(max)}</span></figcaption>
    </figure>
    <table className="attention-grid" ref={tableRef} data-testid="attention-grid" data-layers={layers}>
      <caption>
        Hidden attention of the pinned patch (yellow outline) per layer and scan direction, as magnitude, all
        thumbnails on the scale above (its top is the largest value outside the patch's attention to itself).
      </caption>
      <thead>
        <tr>
          <th scope="col">Layer</th>
          {KINDS.map((k) => (
            <th scope="col" key={`${k.kind}${k.dir}`}>{k.title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {result.rows.map((_, layer) => (
          <tr key={layer}>
            <th scope="row">{layer}</th>
            {KINDS.map((k) => (
              <td key={`${k.kind}${k.dir}`}>
                <canvas
                  width={THUMB_PX}
                  height={THUMB_PX}
                  data-layer={layer}
                  data-dir={k.dir}
                  data-kind={k.kind}
                  data-testid={`drill-${k.kind}-${layer}-${k.dir}`}
                  role="img"
                  aria-label={`Layer ${layer}, ${k.title.toLowerCase()}`}
                />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
    </>
  )
}
