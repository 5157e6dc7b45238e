import { useScene } from '../canvas/use-scene'
import { scene } from '../state/session'
import { toggleModelView } from '../state/view-actions'

/** Zoom, fit and "what the model saw" (the cropped, resized model input instead of the original image). */
export function ViewControls() {
  const viewMode = useScene((s) => s.viewMode)
  const hasPreview = useScene((s) => s.preview !== null)
  return (
    <div className="field view-controls" role="group" aria-label="View">
      <button type="button" aria-label="Zoom in" onClick={() => scene.zoom(1)}>+</button>
      <button type="button" aria-label="Zoom out" onClick={() => scene.zoom(-1)}>−</button>
      <button type="button" onClick={() => scene.fit()}>Fit</button>
      <button
        type="button"
        data-testid="model-view-toggle"
        aria-pressed={viewMode === 'model'}
        disabled={!hasPreview}
        onClick={toggleModelView}
        title="Show the image exactly as the model received it (after crop and resize)"
      >
        What the model saw
      </button>
    </div>
  )
}
