import { useEffect, useRef } from 'react'
import { describeMapping } from '@core/ui/scan-view'
import { rgbCanvas } from '../canvas/bitmaps'
import { useScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'

/**
 * What went to the model for the explanation on screen: the mapping in words (window or full range, 8 bits,
 * grey copied to 3 channels) and the model input itself, cropped and resized as the model received it.
 */
export function ModelInputPanel() {
  const mapping = useSession((s) => s.result?.inputMapping ?? null)
  const runId = useSession((s) => s.result?.runId ?? '')
  const preview = useScene((s) => s.preview)
  const size = useScene((s) => (s.imageFrame === null ? '' : `${s.imageFrame.modelWidth}×${s.imageFrame.modelHeight}`))
  const canvasRef = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const c = canvasRef.current
    if (c === null || preview === null) return
    c.width = preview.width
    c.height = preview.height
    c.getContext('2d')?.drawImage(rgbCanvas(preview), 0, 0)
  }, [preview])
  if (mapping === null || preview === null) return null
  return (
    <section className="panel model-input" aria-labelledby="model-input-title" data-testid="model-input-panel" data-run-id={runId}>
      <h2 id="model-input-title">What the model was given</h2>
      <p data-testid="model-input-mapping">{describeMapping(mapping)} Cropped and resized to {size}.</p>
      <canvas ref={canvasRef} data-testid="model-input-canvas" role="img" aria-label={`Model input, ${size} pixels`} />
    </section>
  )
}
