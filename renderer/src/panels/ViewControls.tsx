import { useScene } from '../canvas/use-scene'
import { useSession } from '../state/hooks'
import { scene, session } from '../state/session'
import { toggleModelView } from '../state/view-actions'

/**
 * Zoom, fit, "what the model saw" (the cropped, resized model input instead of the original image) and the
 * mouse bindings, stated and with the wheel configurable (issue 15: the wheel zoomed where a reader expects
 * it to step through frames and slices).
 */
export function ViewControls() {
  const viewMode = useScene((s) => s.viewMode)
  const hasPreview = useScene((s) => s.preview !== null)
  const wheelAction = useSession((s) => s.wheelAction)
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
      <label className="inline" htmlFor="wheel-action">Wheel</label>
      <select
        id="wheel-action"
        data-testid="wheel-action"
        value={wheelAction}
        onChange={(e) => session.set({ wheelAction: e.target.value === 'zoom' ? 'zoom' : 'step' })}
      >
        <option value="step">steps frames / slices</option>
        <option value="zoom">zooms</option>
      </select>
      <p className="hint mouse-bindings" data-testid="mouse-bindings">
        Left-drag pans, click pins a patch, right-drag sets the window, wheel {wheelAction === 'step' ? 'steps (Ctrl + wheel zooms)' : 'zooms (Ctrl + wheel steps)'}; Page Up / Down step, Home / End jump.
      </p>
    </div>
  )
}
