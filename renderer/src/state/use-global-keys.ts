/**
 * Keys that work wherever focus is (except while typing in a field): Esc clears the pinned patch,
 * Ctrl/Cmd+O opens an image in browser mode (in Electron the menu accelerator gets there first), Page Up /
 * Page Down step through frames or slices and Home / End jump to the first / last (held keys repeat; every
 * repeat counts, and only the last target is rendered and explained).
 */
import { useEffect } from 'react'
import { clearPin } from './drill-actions'
import { navKey } from './frame-nav'
import { openDialog } from './image-actions'
import { scene } from './session'

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)
}

export function useGlobalKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && scene.get().pinned !== null && !isTyping(e.target)) clearPin()
      if (!isTyping(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey && navKey(e.key)) e.preventDefault()
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault()
        void openDialog()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
