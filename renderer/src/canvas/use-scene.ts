/** React binding of the overlay scene: select one small value, re-render only when it changes. */
import { useSyncExternalStore } from 'react'
import { scene } from '../state/session'
import type { SceneState } from './overlay-scene'

export function useScene<T>(selector: (s: SceneState) => T): T {
  return useSyncExternalStore(scene.subscribe, () => selector(scene.get()))
}
