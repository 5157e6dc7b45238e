import { useSession } from '../state/hooks'
import { dismissError } from '../state/busy'

/** Errors in plain words next to the image (what happened, then what to do); notices after a cancel. */
export function ErrorNote() {
  const error = useSession((s) => s.error)
  const notice = useSession((s) => s.notice)
  if (error !== null) {
    return (
      <div className="error-note" role="alert" data-testid="error-note" data-code={error.error.code}>
        <strong>{error.title}</strong>
        <p>{error.error.message}</p>
        {error.context !== 'startup' && (
          <button type="button" onClick={dismissError}>
            Dismiss
          </button>
        )}
      </div>
    )
  }
  if (notice !== null) {
    return (
      <div className="notice" role="status" data-testid="notice">
        {notice}
      </div>
    )
  }
  return null
}
