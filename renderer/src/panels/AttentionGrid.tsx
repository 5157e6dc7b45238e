import { useLayoutEffect, useRef } from 'react'
import type { DrilldownResultDto } from '../../../preload/contract'
import { colormapLut, type ColormapId } from '@core/ui/colormaps'
import { dropCls, makeLayout } from '@core/layout'
import { drawThumbnail, rgbCanvas } from '../canvas/bitmaps'
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
      drawThumbnail(ctx, previewCanvas, dropCls(layout, vec), gridRows, gridCols, lut, result.patch)
    }
    reportDrillDrawn(requestedAt, respondedAt)
  }, [result, gridRows, gridCols, colormap, requestedAt, respondedAt])
  return (
    <table className="attention-grid" ref={tableRef} data-testid="attention-grid" data-layers={layers}>
      <caption>
        Hidden attention of the pinned patch (yellow outline) per layer and scan direction, as magnitude. Each
        thumbnail is scaled to its own largest value, leaving out the patch's attention to itself.
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
  )
}
