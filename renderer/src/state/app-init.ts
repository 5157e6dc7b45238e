/**
 * Start-up: what the page asks main once (app info, the default model and its methods) and the wiring of
 * main's pushes (progress, menu commands). Kept apart from the actions so that no action module imports
 * another in a circle (issue 15: explain ↔ image ↔ view actions); the import graph of renderer/src/state
 * is one-way: view/frame/scan → image → explain → drill/busy/session.
 */
import { messages } from '@core/errors'
import { defaultMethodId } from '@core/ui/default-method'
import { getApi } from '../api'
import { applyProgress, showError } from './busy'
import { session } from './session'
import { handleCommand } from './view-actions'

export async function initApp(): Promise<void> {
  const api = getApi()
  api.onProgress(applyProgress)
  api.onCommand(handleCommand)
  const info = await api.getAppInfo()
  if (!info.ok) return showError('startup', 'Mamba Lens could not start.', info.error)
  const model = info.value.models.find((m) => m.isDefault) ?? info.value.models[0] ?? null
  if (model === null) {
    return showError('startup', 'No model is installed.', { code: 'model/not-found', message: messages['model/not-found'] })
  }
  const methods = await api.listMethods({ modelId: model.id })
  if (!methods.ok) return showError('startup', 'The explanation methods could not be listed.', methods.error)
  // The evaluated best method of this model (card `defaultMethod`, written by `mamba-lens eval`).
  const methodId = defaultMethodId(model.card, methods.value)
  session.set({ appInfo: info.value, model, methods: methods.value, methodId })
}
