/**
 * Card script (not a test): the default model's variant graphs, opened the app's way (their shared weights
 * from the explainer's bytes, adapters/models/shared-weights.ts), against the explainer and against earlier
 * copies of the variants (graphs that stored their own weights), on BUS-BRA images through the app's
 * preprocessing (busbra.ts). Prints the largest differences per graph and output.
 *
 *   npx tsx test/main/models/check-variants.ts --old DIR [--images 4] [--data ../shared/data/busbra]
 *
 * DIR holds the earlier NAME.forward.onnx and NAME.classifier.onnx (opened on their own).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as ort from '../../../main/adapters/onnx/runtime'
import { externalWeightsFor } from '../../../main/adapters/models/shared-weights'
import { openSession, type OrtSession } from '../../../main/adapters/onnx/session'
import { readBusbra, stretchInput, type InputCard } from './busbra'

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}

type Outputs = Record<string, Float32Array>
interface Card { file: string; sha256: string; input: InputCard; classes: string[]; [key: string]: unknown }

async function run(s: OrtSession, feeds: Record<string, ort.Tensor>): Promise<Outputs> {
  const res = await s.run(feeds)
  return Object.fromEntries(Object.entries(res).map(([k, t]) => [k, t.data as Float32Array]))
}

/** max |a − b| and that relative to max |b|. */
function diff(a: Float32Array, b: Float32Array): [number, number] {
  let d = 0
  let m = 0
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)))
    m = Math.max(m, Math.abs(b[i] as number))
  }
  return [d, m > 0 ? d / m : d]
}

async function main(): Promise<void> {
  const models = path.resolve('models')
  const old = arg('old', '')
  const data = arg('data', path.resolve('../shared/data/busbra'))
  const n = Number(arg('images', '4'))
  if (!old) throw new Error('--old DIR is required')
  const card = JSON.parse(readFileSync(path.join(models, 'vim-busbra-d12.json'), 'utf8')) as Card
  const explainerBytes = readFileSync(path.join(models, card.file))
  const cpu = { preferProviders: ['cpu'] as const }
  const variant = async (key: string): Promise<OrtSession> => {
    const file = (card[key] as { file: string }).file
    return (await openSession(readFileSync(path.join(models, file)), { ...cpu, externalData: externalWeightsFor(card, key, explainerBytes) })).session
  }
  const explainer = (await openSession(explainerBytes, cpu)).session
  const [forward, classifier, gpu] = [await variant('forwardGraph'), await variant('classifierGraph'), await variant('gpuGraph')]
  const oldForward = (await openSession(readFileSync(path.join(old, 'vim-busbra-d12.forward.onnx')), cpu)).session
  const oldClassifier = (await openSession(readFileSync(path.join(old, 'vim-busbra-d12.classifier.onnx')), cpu)).session
  const recs = readBusbra(data).filter((r) => r.fold === 1).slice(0, n)
  const worst: Record<string, [number, number]> = {}
  const note = (what: string, [d, rel]: [number, number]): void => {
    const w = worst[what] ?? [0, 0]
    worst[what] = [Math.max(w[0], d), Math.max(w[1], rel)]
  }
  const [, c, h, w] = card.input.shape as [number, number, number, number]
  const images: Float32Array[] = []
  for (const r of recs) {
    const x = await stretchInput(path.join(data, 'Images', `${r.id}.png`), card.input)
    images.push(x)
    const image = new ort.Tensor('float32', x, [1, c, h, w])
    const target = new ort.Tensor('float32', new Float32Array(card.classes.length), [card.classes.length])
    const ref = await run(explainer, { image, target })
    const [fNew, fOld, g] = [await run(forward, { image }), await run(oldForward, { image }), await run(gpu, { image, target })]
    for (const k of Object.keys(fNew)) {
      note(`forward vs earlier forward: ${k}`, diff(fNew[k]!, fOld[k]!))
      note(`forward vs explainer: ${k}`, diff(fNew[k]!, ref[k]!))
    }
    for (const k of Object.keys(ref)) note(`gpu vs explainer: ${k}`, diff(g[k]!, ref[k]!))
  }
  const batch = new Float32Array(images.length * c * h * w)
  images.forEach((x, i) => batch.set(x, i * x.length))
  const image = new ort.Tensor('float32', batch, [images.length, c, h, w])
  const [cNew, cOld] = [await run(classifier, { image }), await run(oldClassifier, { image })]
  for (const k of Object.keys(cNew)) note(`classifier vs earlier classifier: ${k}`, diff(cNew[k]!, cOld[k]!))
  console.log(`${recs.length} BUS-BRA images (fold 1: ${recs.map((r) => r.id).join(', ')}); max |Δ| and max |Δ| / max |reference|:`)
  for (const [k, [d, rel]] of Object.entries(worst)) console.log(`  ${k}: ${d.toExponential(2)} (${rel.toExponential(2)})`)
  for (const s of [explainer, forward, classifier, gpu, oldForward, oldClassifier]) await s.release()
}

void main()
