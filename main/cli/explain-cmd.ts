/**
 * `mamba-lens explain`: load (images, DICOM, NIfTI through loadImageFile) → model input (the displayed
 * window mapped to 8 bits, grey copied to 3 channels, recorded in the JSON) → engine.explain → overlay PNG
 * per method (or figures with --format) + one JSON per input. Per-input errors (unreadable file, a figure
 * that would carry patient data) are reported and the batch continues (exit 3 at the end); model, usage,
 * write and cancellation errors stop the batch.
 */
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { createHash } from 'node:crypto'
import type { ExplainOptions, ExplainResult } from '../core/engine/api'
import { AppError } from '../core/errors'
import { methodInfo, getMethod } from '../core/explain/registry'
import { heatLayer, renderView } from '../core/export/compose'
import { loadImageFile } from '../adapters/image-io/registry'
import { parseNpy } from '../adapters/preprocess/npy'
import { modelInputFromScan } from '../core/image/model-input'
import { identityFrame } from '../core/ui/coords'
import { valueRange } from '../core/ui/heatmap-image'
import type { LensEngine } from '../engine'
import type { ExplainArgs } from './args'
import { describe, EXIT, UsageError, worst, type ExitCode } from './exit-codes'
import { writeFigures, type FigureInput } from './figure-output'
import { encodePng, StagedFiles, uniqueStem } from './output'
import { ProgressBar, type TextSink } from './progress'

/** Streams and cancellation the command uses. */
export interface CliIo {
  readonly stdout: TextSink
  readonly stderr: TextSink
  readonly signal?: AbortSignal
  readonly appVersion: string
}

interface JobOutput { readonly result: ExplainResult; readonly stem: string; readonly source: Record<string, unknown>; readonly figure: FigureInput }
interface Job { readonly label: string; run(o: ExplainOptions): Promise<JobOutput> }

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
      run: async (o) => {
        const result = await engine.explainTensor(npy.data.slice(i * size, (i + 1) * size), o, io.signal)
        return {
          result,
          stem: uniqueStem(n === 1 ? basename(path) : `${basename(path, '.npy')}-${i}.npy`, used),
          source: { file: basename(path), index: i, shape, sha256: sha },
          figure: { result, source: { kind: 'tensor', fileSha256: sha } },
        }
      },
    }))
  }
  const display = {
    ...(args.window !== undefined ? { window: args.window } : {}),
    ...(args.presetId !== undefined ? { presetId: args.presetId } : {}),
  }
  return args.images.map((path) => ({
    label: basename(path),
    run: async (o) => {
      let bytes: Uint8Array
      try {
        bytes = readFileSync(path)
      } catch (e) {
        throw new AppError('image/not-found', { cause: e })
      }
      if (bytes.length === 0) throw new AppError('image/empty', { detail: { reason: 'zero bytes' } })
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const scan = await loadImageFile(bytes, { name: basename(path), ...(io.signal !== undefined ? { signal: io.signal } : {}) })
      const input = modelInputFromScan(scan, { source: args.modelInput, display })
      const image = input.image
      const result = await engine.explain({ width: image.width, height: image.height, rgb: image.data, sourceSha256: sha256 }, o, io.signal)
      const isRaster = scan.kind === 'raster'
      const format = typeof scan.meta.format === 'string' ? scan.meta.format : scan.kind
      return {
        result,
        // Scan file names often carry the patient's name: their outputs are named by the file's hash instead.
        stem: uniqueStem(isRaster ? basename(path) : `ml-${sha256.slice(0, 12)}`, used),
        source: {
          ...(isRaster ? { file: basename(path) } : {}), sha256, width: scan.width, height: scan.height, format, kind: scan.kind,
          modality: scan.modality, inputMapping: input.mapping,
        },
        figure: {
          result, image, inputMapping: input.mapping,
          source: {
            kind: scan.kind, fileSha256: sha256, phi: scan.phi, meta: scan.meta,
            ...(scan.burnedInAnnotation !== undefined ? { burnedInAnnotation: scan.burnedInAnnotation } : {}),
          },
        },
      }
    },
  }))
}

async function writeOutputs(args: ExplainArgs, engine: LensEngine, job: JobOutput, io: CliIo): Promise<string[]> {
  const { result: r, source, stem } = job
  const appVersion = io.appVersion
  const model = engine.listModels().find((m) => m.id === r.modelId)
  // Figures first: a refusal (patient data, burned-in text) then leaves no JSON behind for this input either.
  const figures = args.figure === undefined ? null : await writeFigures(args, args.figure, engine.listModels(), job.figure, appVersion, io.signal)
  const staged = new StagedFiles(args.out)
  try {
    const preview = { width: r.transform.modelWidth, height: r.transform.modelHeight, data: r.modelInputPreview }
    const methods = []
    for (const m of r.methods) {
      const info = methodInfo(getMethod(m.methodId))
      const summary = { id: m.methodId, label: info.label, spec: info.spec, degenerate: m.degenerate, durationMs: m.durationMs, patchRelevance: Array.from(m.patchRelevance) }
      if (figures !== null) {
        methods.push({ ...summary, figures: figures.files.filter((f) => f.methodId === m.methodId).map((f) => f.file) })
        continue
      }
      // The figure's compose path, at model resolution and the identity frame ("what the model saw").
      const range = valueRange(m.heatmap)
      const heat = heatLayer({ heatmap: m.heatmap, heatWidth: preview.width, heatHeight: preview.height, range }, { colormap: args.colormap, threshold01: 0, contour: false })
      const overlay = { image: renderView(preview, heat, preview.width, preview.height, identityFrame(preview.width, preview.height), args.opacity01, true), degenerate: !(range.max > range.min) }
      const file = `${stem}.${m.methodId}.png`
      const png = await encodePng(overlay.image, {
        Software: `mamba-lens ${appVersion}`, 'mamba-lens:method': m.methodId, 'mamba-lens:model-sha256': model?.sha256 ?? '',
        'mamba-lens:class': String(r.targetClass), 'mamba-lens:colormap': args.colormap, 'mamba-lens:opacity': String(args.opacity01),
      })
      staged.add(file, png)
      methods.push({ ...summary, file, degenerate: m.degenerate || overlay.degenerate })
    }
    const json = {
      schema: 'mamba-lens.explain/1', app: { version: appVersion }, source,
      model: { id: r.modelId, name: model?.name, sha256: model?.sha256, grid: model?.grid }, provider: r.provider, graph: r.graph,
      targetClass: r.targetClass, targetLabel: model?.classes[r.targetClass], topK: r.topK, transform: r.transform,
      options: { colormap: args.colormap, opacity: args.opacity01, startLayer: args.startLayer, endLayer: args.endLayer },
      methods, timings: r.timings, ...(figures !== null ? { figureWarnings: figures.warnings } : {}),
    }
    staged.add(`${stem}.json`, JSON.stringify(json, null, 2))
    const written = staged.commit()
    return figures === null ? written : [...figures.files.map((f) => join(args.out, f.file)), ...written]
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
      const out = await job.run(options)
      const { result } = out
      const files = await writeOutputs(args, engine, out, io)
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
