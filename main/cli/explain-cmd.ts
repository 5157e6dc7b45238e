/**
 * `mamba-lens explain`: load (images, DICOM, NIfTI through loadImageFile) → model input (the displayed
 * window mapped to 8 bits, grey copied to 3 channels, recorded in the JSON) → engine.explain → overlay PNG
 * per method (or figures with --format) + one JSON per input. Per-input errors (unreadable file, a figure
 * that would carry patient data) are reported and the batch continues (exit 3 at the end); model, usage,
 * write and cancellation errors stop the batch.
 */
import { readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { createHash } from 'node:crypto'
import type { ExplainOptions, ExplainResult } from '../core/engine/api'
import { AppError } from '../core/errors'
import { methodInfo, getMethod } from '../core/explain/registry'
import { toAscii } from '../core/export/provenance'
import { methodTrust, outOfDomainBanner, RESEARCH_ONLY, trainedOnNameOf, type MethodTrust } from '../core/trust/report'
import { describeVerdict } from '../core/trust/verdict'
import { MAX_FILE_BYTES } from '../adapters/image-io/limits'
import { heatLayer, renderView } from '../core/export/compose'
import { loadImageFile } from '../adapters/image-io/registry'
import { parseNpy } from '../adapters/preprocess/npy'
import { modelInputFromScan } from '../core/image/model-input'
import { valueRange } from '../core/ui/heatmap-image'
import type { LensEngine } from '../engine'
import type { ExplainArgs } from './args'
import { describe, EXIT, UsageError, worst, type ExitCode } from './exit-codes'
import { writeFigures, type FigureInput } from './figure-output'
import { encodePng, existingStem, StagedFiles, uniqueStem } from './output'
import { ProgressBar, type TextSink } from './progress'

/** Streams and cancellation the command uses. */
export interface CliIo {
  readonly stdout: TextSink
  readonly stderr: TextSink
  readonly signal?: AbortSignal
  readonly appVersion: string
}

interface JobOutput { readonly result: ExplainResult; readonly stem: string; readonly source: Record<string, unknown>; readonly figure: FigureInput }
/** An input --skip-existing found finished in --out: its JSON. */
interface Skipped { readonly skipped: string }
interface Job { readonly label: string; run(o: ExplainOptions): Promise<JobOutput | Skipped> }

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
        // Checked before reading: the same file-size limit as the app's Open dialog and bridge.
        if (statSync(path).size > MAX_FILE_BYTES) throw new AppError('image/too-large', { detail: { reason: `file over ${MAX_FILE_BYTES / 2 ** 20} MB` } })
        bytes = readFileSync(path)
      } catch (e) {
        if (e instanceof AppError) throw e
        throw new AppError('image/not-found', { cause: e })
      }
      if (bytes.length === 0) throw new AppError('image/empty', { detail: { reason: 'zero bytes' } })
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      if (args.skipExisting) {
        const stem = existingStem(args.out, basename(path), sha256, used) ?? existingStem(args.out, scanStem(sha256), sha256, used)
        if (stem !== null) return { skipped: join(args.out, `${stem}.json`) }
      }
      const scan = await loadImageFile(bytes, { name: basename(path), ...(io.signal !== undefined ? { signal: io.signal } : {}) })
      const input = modelInputFromScan(scan, { source: args.modelInput, display })
      const image = input.image
      const declared = scan.kind === 'dicom' ? { modality: scan.modality } : {}
      const result = await engine.explain({ width: image.width, height: image.height, rgb: image.data, sourceSha256: sha256, ...declared }, o, io.signal)
      const isRaster = scan.kind === 'raster'
      const format = typeof scan.meta.format === 'string' ? scan.meta.format : scan.kind
      return {
        result,
        // Scan file names often carry the patient's name: their outputs are named by the file's hash instead.
        stem: uniqueStem(isRaster ? basename(path) : scanStem(sha256), used),
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

/** Every method's trust record, with its quick deletion check (docs/TRUST.md). */
async function runTrustRecords(engine: LensEngine, r: ExplainResult, signal: AbortSignal | undefined): Promise<Map<string, MethodTrust>> {
  const out = new Map<string, MethodTrust>()
  for (const m of r.methods) out.set(m.methodId, methodTrust(r.trust, m.methodId, m.degenerate, await engine.faithfulness(r.runId, m.methodId, signal)))
  return out
}

/** Verdict, domain flag and trust label as PNG text (Latin-1: made ASCII), for overlays written without --format. */
function trustText(r: ExplainResult, t: MethodTrust): Record<string, string> {
  const d = r.trust.domain
  return {
    'mamba-lens:verdict': toAscii(describeVerdict(r.verdict)),
    'mamba-lens:domain': toAscii(d.inDomain === null ? 'not assessed' : d.inDomain ? 'in domain' : `OUT OF DOMAIN: ${d.reasons.join('; ')}`),
    'mamba-lens:trust': toAscii(`${t.label}: ${t.reason}`),
    'mamba-lens:intended-use': toAscii(RESEARCH_ONLY),
  }
}

function scanStem(sha256: string): string {
  return `ml-${sha256.slice(0, 12)}`
}

/**
 * The --json summary, one array entry written per input as it finishes (a batch of any size holds none of
 * them in memory); always a complete JSON array once closed.
 */
class JsonSummary {
  private count = 0
  constructor(private readonly sink: TextSink | null) {}

  add(entry: Record<string, unknown>): void {
    if (this.sink === null) return
    const text = JSON.stringify(entry, null, 2).replace(/\n/g, '\n  ')
    this.sink.write(`${this.count++ === 0 ? '[\n  ' : ',\n  '}${text}`)
  }

  close(): void {
    this.sink?.write(this.count === 0 ? '[]\n' : '\n]\n')
  }
}

async function writeOutputs(args: ExplainArgs, engine: LensEngine, job: JobOutput, io: CliIo): Promise<{ files: string[]; trust: unknown }> {
  const { result: r, source, stem } = job
  const appVersion = io.appVersion
  const model = engine.listModels().find((m) => m.id === r.modelId)
  const trust = await runTrustRecords(engine, r, io.signal)
  const faithfulness = Object.fromEntries([...trust].map(([id, t]) => [id, t.faithfulness]))
  // Figures first: a refusal (patient data, burned-in text) then leaves no JSON behind for this input either.
  const figures = args.figure === undefined ? null : await writeFigures(args, args.figure, engine.listModels(), { ...job.figure, faithfulness }, appVersion, io.signal)
  const staged = new StagedFiles(args.out)
  try {
    const preview = { width: r.transform.modelWidth, height: r.transform.modelHeight, data: r.modelInputPreview }
    const methods = []
    // The result's `trust` is that of its first method (the one shown when a single method is asked for).
    const topTrust = r.methods[0] !== undefined ? trust.get(r.methods[0].methodId) : { domain: r.trust.domain }
    for (const m of r.methods) {
      const info = methodInfo(getMethod(m.methodId))
      // The domain is the input's, the same for every method: written once, in the result's `trust`.
      const { domain, ...methodTrust } = trust.get(m.methodId)!
      void domain
      const summary = {
        id: m.methodId, label: info.label, spec: info.spec, degenerate: m.degenerate, durationMs: m.durationMs, trust: methodTrust,
        patchRelevance: Array.from(m.patchRelevance),
      }
      if (figures !== null) {
        methods.push({ ...summary, figures: figures.files.filter((f) => f.methodId === m.methodId).map((f) => f.file) })
        continue
      }
      // The figure's compose path, at model resolution and the identity frame ("what the model saw").
      const range = valueRange(m.heatmap)
      const heat = heatLayer({ values: m.heatmap, width: preview.width, height: preview.height, range, colormap: args.colormap, threshold01: 0, contour: false })
      const whole = { x: 0, y: 0, width: preview.width, height: preview.height }
      const overlay = { image: renderView(preview, heat, preview.width, preview.height, whole, args.opacity01, true), degenerate: !(range.max > range.min) }
      const file = `${stem}.${m.methodId}.png`
      const png = await encodePng(overlay.image, {
        Software: `mamba-lens ${appVersion}`, 'mamba-lens:method': m.methodId, 'mamba-lens:model-sha256': model?.sha256 ?? '',
        'mamba-lens:class': String(r.targetClass), 'mamba-lens:colormap': args.colormap, 'mamba-lens:opacity': String(args.opacity01),
        ...trustText(r, trust.get(m.methodId)!),
      })
      staged.add(file, png)
      methods.push({ ...summary, file, degenerate: m.degenerate || overlay.degenerate })
    }
    const json = {
      schema: 'mamba-lens.explain/1', app: { version: appVersion }, source,
      model: { id: r.modelId, name: model?.name, sha256: model?.sha256, grid: model?.grid }, provider: r.provider, graph: r.graph,
      targetClass: r.targetClass, targetLabel: model?.classes[r.targetClass], topK: r.topK, verdict: r.verdict,
      trust: topTrust, transform: r.transform,
      options: { colormap: args.colormap, opacity: args.opacity01, startLayer: args.startLayer, endLayer: args.endLayer },
      methods, timings: r.timings, ...(figures !== null ? { figureWarnings: figures.warnings } : {}),
    }
    staged.add(`${stem}.json`, JSON.stringify(json, null, 2))
    const written = staged.commit()
    return { files: figures === null ? written : [...figures.files.map((f) => join(args.out, f.file)), ...written], trust: topTrust }
  } catch (e) {
    staged.discard()
    throw e
  }
}

/**
 * One line per explained input on stderr (stdout stays the JSON): the verdict at the card's operating point,
 * and for an input unlike the training images the out-of-domain warning with its reasons, so a terminal user
 * is told before opening an overlay that shows a crisp map of, say, a cat.
 */
function reportResult(r: ExplainResult, label: string, trainedOnName: string | undefined, err: TextSink): void {
  err.write(`mamba-lens: ${label}: verdict ${describeVerdict(r.verdict)}\n`)
  const d = r.trust.domain
  if (d.inDomain === false) err.write(`mamba-lens: warning ${label}: OUT OF DOMAIN — ${outOfDomainBanner(trainedOnName)} Why: ${d.reasons.join('; ')}\n`)
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
  const summary = new JsonSummary(args.json ? io.stdout : null)
  const counts = { explained: 0, skipped: 0, failed: 0 }
  let exit: ExitCode = EXIT.ok
  for (const [i, job] of jobs.entries()) {
    bar.update(i, job.label)
    try {
      const out = await job.run(options)
      if ('skipped' in out) {
        counts.skipped++
        summary.add({ input: job.label, ok: true, skipped: true, files: [out.skipped] })
      } else {
        const { result } = out
        const { files, trust } = await writeOutputs(args, engine, out, io)
        bar.finish()
        reportResult(result, job.label, trainedOnNameOf(engine.listModels().find((m) => m.id === result.modelId)?.card ?? {}), io.stderr)
        counts.explained++
        summary.add({
          input: job.label, ok: true, modelId: result.modelId, provider: result.provider, targetClass: result.targetClass, topK: result.topK,
          verdict: result.verdict, trust, files,
        })
      }
    } catch (e) {
      const d = describe(e)
      bar.finish()
      io.stderr.write(`mamba-lens: error [${d.code}] ${job.label}: ${d.message}\n`)
      counts.failed++
      summary.add({ input: job.label, ok: false, code: d.code, message: d.message })
      exit = worst(exit, d.exit)
      // Input errors concern one file; anything else would fail every remaining file the same way.
      if (d.exit !== EXIT.input) break
    }
    if (args.progress) io.stderr.write(`mamba-lens: progress ${i + 1}/${jobs.length} explained ${counts.explained} skipped ${counts.skipped} failed ${counts.failed}\n`)
  }
  bar.update(jobs.length, 'done')
  bar.finish()
  summary.close()
  return exit
}
