/** React bindings of the overlay scene and of the panel scene each pane draws. */
import { useSyncExternalStore } from 'react'
import type { PanelScene } from '@core/scene/panel-scene'
import { scene, session } from '../state/session'
import type { SceneState } from './overlay-scene'
import { paneScene } from './pane-scene'

/** Select one small value of the overlay scene; re-render only when it changes. */
export function useScene<T>(selector: (s: SceneState) => T): T {
  return useSyncExternalStore(scene.subscribe, () => selector(scene.get()))
}

function subscribeBoth(cb: () => void): () => void {
  const a = scene.subscribe(cb)
  const b = session.subscribe(cb)
  return () => {
    a()
    b()
  }
}

/** The panel scene of a pane (the one its figure is made of); null before any image. */
export function usePaneScene(paneIndex: number): PanelScene | null {
  return useSyncExternalStore(subscribeBoth, () => paneScene(scene, session.get(), paneIndex))
}
