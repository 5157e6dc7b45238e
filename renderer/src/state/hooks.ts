/** Component binding of the session store. */
import { useStore } from './store'
import { session, type SessionState } from './session'

export function useSession<T>(selector: (s: SessionState) => T): T {
  return useStore(session, selector)
}
