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

/**
 * One part of the panel scene of a pane (the scene its figure is made of; null before any image). Select a
 * part, not the scene: unchanged parts keep their identity across rebuilds (pane-scene.ts), so the component
 * re-renders only when its part changed.
 */
export function usePaneScene<T>(paneIndex: number, select: (s: PanelScene | null) => T): T {
  return useSyncExternalStore(subscribeBoth, () => select(paneScene(scene, session.get(), paneIndex)))
}
