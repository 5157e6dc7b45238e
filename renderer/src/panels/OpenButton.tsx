import { useSession } from '../state/hooks'
import { openDialog } from '../state/image-actions'

/** Opens an image: the native dialog in Electron, the browser's picker in browser mode. */
export function OpenButton() {
  const isLoading = useSession((s) => s.busy?.kind === 'image')
  return (
    <button type="button" className="primary" data-testid="open-button" onClick={() => void openDialog()} disabled={isLoading}>
      Open image…
    </button>
  )
}
