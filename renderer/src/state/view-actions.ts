/**
 * View-only actions (no model run): zoom, fit, view mode and menu commands.
 */
import type { AppCommandDto } from '../../../preload/contract'
import { setCompare } from './explain-actions'
import { openDialog } from './image-actions'
import { scene, session } from './session'

export function toggleModelView(): void {
  scene.setViewMode(scene.get().viewMode === 'model' ? 'image' : 'model')
}

export function handleCommand(c: AppCommandDto): void {
  switch (c.command) {
    case 'open':
      return void openDialog()
    case 'fit':
      return scene.fit()
    case 'zoom-in':
      return scene.zoom(1)
    case 'zoom-out':
      return scene.zoom(-1)
    case 'toggle-compare':
      return setCompare({ enabled: !session.get().compare.enabled })
    case 'toggle-model-view':
      return toggleModelView()
  }
}
