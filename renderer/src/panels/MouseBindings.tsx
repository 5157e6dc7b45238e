import { useSession } from '../state/hooks'
import { session } from '../state/session'

/**
 * The mouse and key bindings of the image, stated, with the wheel configurable (issue 15: the wheel zoomed
 * where a reader expects it to step through frames and slices). In the sidebar, not the toolbar, so that
 * the toolbar stays one row high on a 1280 px window.
 */
export function MouseBindings() {
  const wheelAction = useSession((s) => s.wheelAction)
  return (
    <fieldset className="field mouse-bindings">
      <legend>Mouse and keys</legend>
      <label className="inline" htmlFor="wheel-action">
        Wheel
        <select
          id="wheel-action"
          data-testid="wheel-action"
          value={wheelAction}
          onChange={(e) => session.set({ wheelAction: e.target.value === 'zoom' ? 'zoom' : 'step' })}
        >
          <option value="step">steps frames / slices</option>
          <option value="zoom">zooms</option>
        </select>
      </label>
      <p className="hint" data-testid="mouse-bindings">
        Wheel {wheelAction === 'step' ? 'steps (Ctrl + wheel zooms)' : 'zooms (Ctrl + wheel steps)'}; left-drag pans; click
        pins a patch; right-drag sets the window of a scan. Keys: Page Up / Down step, Home / End jump, + / − zoom, 0 fits,
        arrows move the pin.
      </p>
    </fieldset>
  )
}
