/**
 * `mamba-lens explain`: decode → engine.explain → overlay PNG per method + one JSON per image.
 * Per-image input errors are reported and the batch continues (exit 3 at the end); model, usage and
 * cancellation errors stop the batch.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { createHash } from 'node:crypto'
import type { ExplainOptions, ExplainResult } from '../core/engine/api'
import { AppError } from '../core/errors'
import { methodInfo, getMethod } from '../core/explain/registry'
import { composeOverlay } from '../core/render/compose'
import { decodeImage } from '../adapters/preprocess/decode'
import { parseNpy } from '../adapters/preprocess/npy'
import type { LensEngine } from '../engine'
import type { ExplainArgs } from './args'
import { describe, EXIT, UsageError, worst, type ExitCode } from './exit-codes'
import { encodePng, StagedFiles, uniqueStem } from './output'
import { ProgressBar, type TextSink } from './progress'

/** Streams and cancellation the command uses. */
export interface CliIo {
  readonly stdout: TextSink
  readonly stderr: TextSink
  readonly signal?: AbortSignal
  readonly appVersion: string
}

interface Job { readonly label: string; readonly stem: string; run(o: ExplainOptions): Promise<{ result: ExplainResult; source: Record<string, unknown> }> }

function jobsOf(args: ExplainArgs, engine: LensEngine, io: CliIo): Job[] {
  const used = new Set<string>()
  if (args.inputTensor !== undefined) {
    const path = args.inputTensor
    const npy = parseNpy(readFileSync(path))
    const shape = npy.shape.length === 3 ? [1, ...npy.shape] : npy.shape
    if (shape.length !== 4 || shape[1] !== 3) throw new UsageError('--input-tensor must hold a float32 [N,3,H,W] or [3,H,W] array')
    const n = shape[0]!
    const size = 3 * shape[2]! * shape[3]!
    const sha = createHash('sha256').update(npy.data).digest('hex')
    return Array.from({ length: n }, (_, i) => ({
      label: `${basename(path)}[${i}]`,
      stem: uniqueStem(n === 1 ? basename(path) : `${basename(path, '.npy')}-${i}.npy`, used),
      run: async (o) => ({
        result: await engine.explainTensor(npy.data.slice(i * size, (i + 1) * size), o, io.signal),
        source: { file: basename(path), index: i, shape, sha256: sha },
      }),
    }))
  }
  return args.images.map((path) => ({
    label: basename(path),
    stem: uniqueStem(basename(path), used),
    run: async (o) => {
      let bytes: Uint8Array
      try {
        bytes = readFileSync(path)
      } catch (e) {
        throw new AppError('image/not-found', { cause: e })
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const d = await decodeImage(bytes)
      const result = await engine.explain({ width: d.image.width, height: d.image.height, rgb: d.image.data, sourceSha256: sha256 }, o, io.signal)
      return { result, source: { file: basename(path), sha256, width: d.image.width, height: d.image.height, format: d.format, hadAlpha: d.hadAlpha } }
    },
  }))
}

async function writeOutputs(args: ExplainArgs, engine: LensEngine, job: Job, r: ExplainResult, source: Record<string, unknown>, appVersion: string): Promise<string[]> {
  const model = engine.listModels().find((m) => m.id === r.modelId)
  const staged = new StagedFiles(args.out)
  try {
    const preview = { width: r.transform.modelWidth, height: r.transform.modelHeight, data: r.modelInputPreview }
    const methods = []
    for (const m of r.methods) {
      const overlay = composeOverlay(preview, m.heatmap, { colormap: args.colormap, opacity01: args.opacity01 })
      const file = `${job.stem}.${m.methodId}.png`
      const png = await encodePng(overlay.image, {
        Software: `mamba-lens ${appVersion}`, 'mamba-lens:method': m.methodId, 'mamba-lens:model-sha256': model?.sha256 ?? '',
        'mamba-lens:class': String(r.targetClass), 'mamba-lens:colormap': args.colormap, 'mamba-lens:opacity': String(args.opacity01),
      })
      staged.add(file, png)
      const info = methodInfo(getMethod(m.methodId))
      methods.push({ id: m.methodId, label: info.label, spec: info.spec, file, degenerate: m.degenerate || overlay.degenerate, durationMs: m.durationMs, patchRelevance: Array.from(m.patchRelevance) })
    }
    const json = {
      schema: 'mamba-lens.explain/1', app: { version: appVersion }, source,
      model: { id: r.modelId, name: model?.name, sha256: model?.sha256, grid: model?.grid }, provider: r.provider,
      targetClass: r.targetClass, targetLabel: model?.classes[r.targetClass], topK: r.topK, transform: r.transform,
      options: { colormap: args.colormap, opacity: args.opacity01, startLayer: args.startLayer, endLayer: args.endLayer },
      methods, timings: r.timings,
    }
    staged.add(`${job.stem}.json`, JSON.stringify(json, null, 2))
    return staged.commit()
  } catch (e) {
    staged.discard()
    throw e
  }
}

/** Runs the explain command; returns the exit code. */
export async function explainCommand(args: ExplainArgs, engine: LensEngine, io: CliIo): Promise<ExitCode> {
  // A path (card or graph) adds that model for this run; anything else is an installed model's id.
  const isPath = args.model !== undefined && /[\\/]|\.json$|\.onnx$/.test(args.model)
  const modelId = isPath && args.model !== undefined ? engine.addModel(args.model.replace(/\.onnx$/, '.json')).id : args.model
  const options: ExplainOptions = {
    ...(modelId !== undefined ? { modelId } : {}), ...(args.methods !== undefined ? { methods: args.methods } : {}),
    ...(args.targetClass !== undefined ? { targetClass: args.targetClass } : {}), topK: args.topK,
    ...(args.startLayer !== undefined ? { startLayer: args.startLayer } : {}), ...(args.endLayer !== undefined ? { endLayer: args.endLayer } : {}),
  }
  const jobs = jobsOf(args, engine, io)
  const bar = new ProgressBar(io.stderr, jobs.length)
  const summary: unknown[] = []
  let exit: ExitCode = EXIT.ok
  for (const [i, job] of jobs.entries()) {
    bar.update(i, job.label)
    try {
      const { result, source } = await job.run(options)
      const files = await writeOutputs(args, engine, job, result, source, io.appVersion)
      summary.push({ input: job.label, ok: true, modelId: result.modelId, provider: result.provider, targetClass: result.targetClass, topK: result.topK, files })
    } catch (e) {
      const d = describe(e)
      bar.finish()
      io.stderr.write(`mamba-lens: error [${d.code}] ${job.label}: ${d.message}\n`)
      summary.push({ input: job.label, ok: false, code: d.code })
      exit = worst(exit, d.exit)
      // Input errors concern one file; anything else would fail every remaining file the same way.
      if (d.exit !== EXIT.input) break
    }
  }
  bar.update(jobs.length, 'done')
  bar.finish()
  if (args.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
  return exit
}
