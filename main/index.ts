/** Electron main-process entry: bootstrap only (STYLE.md §2.1); everything lives in ./app. */
import { startElectronApp } from './app/electron-main'

startElectronApp()
