/**
 * Application menu. Commands that act on the page are forwarded as `app:command` events (the page owns the
 * view state); everything else uses Electron roles. No "check for updates", no links out: the app is offline.
 */
import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import type { AppCommand } from '../../preload/contract'

export function buildMenu(getWindow: () => BrowserWindow | null, isDev: boolean): Menu {
  const send = (command: AppCommand) => (): void => {
    const win = getWindow()
    if (win !== null && !win.isDestroyed()) win.webContents.send('app:command', { command })
  }
  const isMac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: '&Open Image…', accelerator: 'CmdOrCtrl+O', click: send('open') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Fit Image', accelerator: 'CmdOrCtrl+0', click: send('fit') },
        { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: send('zoom-in') },
        { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: send('zoom-out') },
        { type: 'separator' },
        { label: 'Compare Side by Side', accelerator: 'CmdOrCtrl+D', click: send('toggle-compare') },
        { label: 'What the Model Saw', accelerator: 'CmdOrCtrl+M', click: send('toggle-model-view') },
        ...(isDev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
  ]
  return Menu.buildFromTemplate(template)
}
