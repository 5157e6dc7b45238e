/** Browser-mode build of the renderer: the same config Electron uses (see electron.vite.config.ts). */
import { rendererConfig } from '../electron.vite.config.ts'

export default rendererConfig
