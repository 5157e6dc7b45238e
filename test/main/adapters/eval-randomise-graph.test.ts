// @vitest-environment node
/**
 * The randomised graphs of the default model run and change what they should: re-drawing the head changes
 * the logits but not the hidden attention (which lies below the head); the fully randomised model still
 * gives finite outputs. The initializers found in the protobuf are exactly the parameter tensors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { readWeights, writeRandomisedCascade } from '../../../main/adapters/eval/randomise-graph'
import { groupOf } from '../../../main/core/eval/randomise'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const graph = path.join(repoRoot, 'models/vim-busbra-d12.onnx')
const out = mkdtempSync(path.join(tmpdir(), 'cascade-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

async function run(file: string): Promise<{ logits: Float32Array; hma: Float32Array }> {
  const s = await ort.InferenceSession.create(file, { intraOpNumThreads: 2 })
  const image = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i / 97))
  const res = await s.run({ image: new ort.Tensor('float32', image, [1, 3, 224, 224]), target: new ort.Tensor('float32', Float32Array.of(0, 1), [2]) }, ['logits', 'hma_mean'])
  await s.release()
  return { logits: res['logits']!.data as Float32Array, hma: res['hma_mean']!.data as Float32Array }
}

describe('randomised cascade graphs (default model)', () => {
  it('finds every parameter tensor: 12 blocks × 13 (4 conv taps) + head 3 + embedding 4', () => {
    const { tensors } = readWeights(new Uint8Array(readFileSync(graph)))
    expect(tensors.filter((t) => groupOf(t.name) !== null)).toHaveLength(12 * 13 + 3 + 4)
  })

  it('head step: new logits, same hidden attention; fully randomised: finite', { timeout: 300_000 }, async () => {
    writeRandomisedCascade(graph, 12, out, 0, ['head', 'embedding'])
    const trained = await run(graph)
    const head = await run(path.join(out, 'step-01.onnx'))
    const all = await run(path.join(out, 'step-14.onnx'))
    expect(head.hma).toEqual(trained.hma)
    expect(Math.abs(head.logits[0]! - trained.logits[0]!)).toBeGreaterThan(1e-3)
    expect(all.hma.every(Number.isFinite) && all.logits.every(Number.isFinite)).toBe(true)
    expect(all.hma).not.toEqual(trained.hma)
  })
})
