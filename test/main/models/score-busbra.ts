/**
 * Card script (not a test): scores BUS-BRA images with an exported graph through the app's preprocessing
 * (busbra.ts) and writes what models/tools/vimlens/evaluate.py needs.
 *
 *   npx tsx test/main/models/score-busbra.ts --model models/NAME.onnx --out DIR [--splits val,test] [--taps test]
 *     [--data ../shared/data/busbra] [--test-fold 1] [--val-fold 2]
 *
 * DIR/scores.json: one row per image {id, patient, label, fold, split, logits}. With `--taps SPLIT`, the
 * explanation outputs of that split's images (target = the predicted class) go to DIR/taps_<name>.f32
 * (float32, images × the output's shape; shapes in DIR/taps.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import { readBusbra, runImage, stretchInput, type InputCard } from './busbra'

const TAPS = ['hma_mean', 'hma_pos_mean', 'hma_range', 'grad_max_pos', 'true_pos_mean', 'uia_pos_mean']

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}

async function main(): Promise<void> {
  const model = arg('model', '')
  const out = arg('out', '')
  const data = arg('data', path.resolve('../shared/data/busbra'))
  const splits = arg('splits', 'val,test').split(',')
  const tapSplit = arg('taps', '')
  const testFold = Number(arg('test-fold', '1'))
  const valFold = Number(arg('val-fold', '2'))
  if (!model || !out) throw new Error('--model and --out are required')
  const card = JSON.parse(readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8')) as { input: InputCard; classes: string[] }
  const sess = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] })
  mkdirSync(out, { recursive: true })
  const rows: unknown[] = []
  const taps: Record<string, number[][]> = Object.fromEntries(TAPS.map((t) => [t, []]))
  const shapes: Record<string, readonly number[]> = {}
  const recs = readBusbra(data).map((r) => ({ ...r, split: r.fold === testFold ? 'test' : r.fold === valFold ? 'val' : 'train' }))
    .filter((r) => splits.includes(r.split))
  const t0 = Date.now()
  for (const [k, r] of recs.entries()) {
    const x = await stretchInput(path.join(data, 'Images', `${r.id}.png`), card.input)
    const wantTaps = r.split === tapSplit
    let res = await runImage(sess, x, card.input, [0, 1], wantTaps ? undefined : ['logits'])
    const logits = Array.from(res.logits?.data as Float32Array)
    if (wantTaps) {
      const pred = (logits[1] as number) > (logits[0] as number) ? 1 : 0
      if (pred === 0) res = await runImage(sess, x, card.input, [1, 0])
      for (const t of TAPS) {
        const v = res[t]
        if (v === undefined) throw new Error(`graph has no output ${t}`)
        shapes[t] = v.dims
        ;(taps[t] as number[][]).push(Array.from(v.data as Float32Array))
      }
    }
    rows.push({ id: r.id, patient: r.patient, label: r.label, fold: r.fold, split: r.split, logits, explainedClass: wantTaps ? ((logits[1] as number) > (logits[0] as number) ? 1 : 0) : null })
    if ((k + 1) % 50 === 0) console.log(`${k + 1}/${recs.length} images, ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  }
  writeFileSync(path.join(out, 'scores.json'), JSON.stringify({ model: path.basename(model), data: 'BUS-BRA', testFold, valFold, rows }, null, 0))
  if (tapSplit) {
    for (const t of TAPS) {
      const flat = new Float32Array((taps[t] as number[][]).flat())
      writeFileSync(path.join(out, `taps_${t}.f32`), Buffer.from(flat.buffer))
    }
    writeFileSync(path.join(out, 'taps.json'), JSON.stringify({ split: tapSplit, shapes, ids: (rows as { id: string; split: string }[]).filter((r) => r.split === tapSplit).map((r) => r.id) }))
  }
  console.log(`done: ${recs.length} images in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  await sess.release()
}

await main()
