import { useLayoutEffect, useRef } from 'react'
import type { DrilldownResultDto } from '../../../preload/contract'
import { colorAt, type ColormapId } from '@core/ui/colormaps'

interface Props {
  readonly result: DrilldownResultDto
  readonly layer: number
  readonly tokens: number
  readonly clsIndex: number
  readonly colormap: ColormapId
}

const CELL_H = 14

/**
 * The 1-D token sequence the scans walk: forward left→right, backward right→left, the CLS token in the
 * middle, the pinned token marked. Cells are coloured by what the pinned token attends to at `layer`,
 * which shows how far along the scan its attention reaches.
 */
export function ScanOrderStrip({ result, layer, tokens, clsIndex, colormap }: Props) {
  const ref = useRef<HTMLCanvasElement>(null)
  useLayoutEffect(() => {
    const canvas = ref.current
    const ctx = canvas?.getContext('2d')
    const row = result.rows[layer]
    if (canvas == null || ctx == null || row === undefined) return
    const w = canvas.width / tokens
    ctx.clearRect(0, 0, canvas.width, canvas.height)
    row.forEach((vec, dir) => {
      let max = 0
      for (let t = 0; t < vec.length; t++) if (t !== result.token) max = Math.max(max, Math.abs(vec[t]!))
      const y = dir * (CELL_H + 6)
      for (let t = 0; t < tokens; t++) {
        const v = max > 0 ? Math.min(1, Math.abs(vec[t] ?? 0) / max) : 0
        const [r, g, b] = colorAt(colormap, v)
        ctx.fillStyle = `rgb(${r},${g},${b})`
        ctx.fillRect(t * w, y, Math.ceil(w), CELL_H)
      }
      ctx.strokeStyle = '#ff4d6d'
      ctx.lineWidth = 2
      ctx.strokeRect(clsIndex * w, y - 1, Math.max(2, w), CELL_H + 2)
      ctx.strokeStyle = '#ffd400'
      ctx.strokeRect(result.token * w, y - 1, Math.max(2, w), CELL_H + 2)
    })
  }, [result, layer, tokens, clsIndex, colormap])
  const t = result.token
  return (
    <figure className="scan-strip" data-testid="scan-strip">
      <div className="scan-labels" aria-hidden="true">
        <span>forward →</span>
        <span>← backward</span>
      </div>
      <canvas ref={ref} width={2 * tokens} height={2 * CELL_H + 6} role="img" aria-label={`Token sequence of ${tokens}; CLS at ${clsIndex}; pinned token ${t}`} />
      <figcaption>
        Token {t} of {tokens} (CLS at {clsIndex}, <span className="swatch cls" /> red; pinned <span className="swatch pin" /> yellow).
        The forward scan reaches it at step {t + 1}, the backward scan at step {tokens - t}.{' '}
        {t < clsIndex ? 'It comes before CLS in the forward scan.' : 'It comes after CLS in the forward scan.'}
      </figcaption>
    </figure>
  )
}
