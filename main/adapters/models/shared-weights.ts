/**
 * One copy of the weights (docs/GRAPH_CONTRACT.md, "Shared weights"): a card's variant graphs (forward,
 * classifier, gpu, …) store the weights they share with the explainer as ONNX external data whose location
 * is the explainer's file name and whose offsets point into that file's bytes. Their card entry says so
 * under `weightsFrom: { file, sha256 }`. The app hands ORT the explainer bytes it has already read and
 * sha256-checked for the explainer session, under that name (`sessionOptions.externalData`): nothing is
 * read twice, and no variant reads a file the card did not check.
 * ORT copies the weights while it creates the session (measured on the default model's classifier: zeroing
 * the buffer afterwards changes no logit), so the bytes are needed only until the last variant is opened.
 */
import { AppError } from '../../core/errors'
import type { ExternalWeights } from '../onnx/session'

/** What a card says about one graph entry's shared weights. */
interface WeightsFrom {
  readonly file?: unknown
  readonly sha256?: unknown
}

/**
 * The external data graph `key` of `card` needs: none when its entry has no `weightsFrom`, else the explainer
 * bytes (`explainer`, already checked against `card.sha256` by the caller) under the explainer's file name.
 * A variant built against another file, or against another version of the explainer, is refused with
 * `model/weights-mismatch` before ORT sees it (its offsets would point at the wrong bytes).
 */
export function externalWeightsFor(card: { readonly file: string; readonly sha256: string }, key: string, explainer: Uint8Array): ExternalWeights[] {
  const entry = (card as unknown as Record<string, unknown>)[key]
  const from = typeof entry === 'object' && entry !== null ? (entry as { weightsFrom?: WeightsFrom }).weightsFrom : undefined
  if (from === undefined) return []
  const sameFile = from.file === card.file
  const sameVersion = typeof from.sha256 === 'string' && from.sha256.toLowerCase() === card.sha256.toLowerCase()
  if (!sameFile || !sameVersion) {
    throw new AppError('model/weights-mismatch', {
      detail: { graph: key, reason: !sameFile ? 'reads weights from a file other than the explainer graph' : 'built against another version of the explainer graph' },
    })
  }
  return [{ path: card.file, data: explainer }]
}
