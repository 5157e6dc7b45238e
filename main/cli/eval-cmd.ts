/**
 * `mamba-lens eval`: evaluates explanation methods on a labelled image folder (docs/eval/README.md).
 * Parsing of its flags and the run with a progress display: a bar on a terminal, otherwise one line
 * every 10 images (background runs write a log).
 */
import { basename } from 'node:path'
import { EvalDataError, type SplitName } from '../adapters/eval/dataset'
import { runEvalJob } from '../adapters/eval/evaluate'
import { isMultiRun, isReferenceMap } from '../adapters/eval/maps'
import { resolveModel, scanModels } from '../adapters/models/registry'
import { supportedMethods } from '../engine/model-specs'
import { INTEGRATED_GRADIENTS_ID, SMOOTHGRAD_ID } from '../core/eval/gradient-baselines'
import { CENTRE_GAUSSIAN_ID } from '../core/eval/reference-maps'
import { getMethod } from '../core/explain/registry'
import type { Logger } from '../core/log'
import { EXIT, UsageError, type ExitCode } from './exit-codes'
import type { ExecutionProvider } from '../core/engine/api'
import { isExecutionProvider } from '../adapters/onnx/providers'
import { ProgressBar, type TextSink } from './progress'

export interface EvalArgs {
  readonly command: 'eval'
  readonly model?: string
  readonly modelsDir?: string
  readonly data: string
  readonly methods?: readonly string[]
  readonly split: SplitName
  readonly out: string
  readonly limit?: number
  readonly resume: boolean
  /** Images last to first (a second process on the same --out meets the first in the middle). */
  readonly reverse: boolean
  readonly perturbationN: number
  /** Further images (evenly spread) that get the multi-run gradient baselines. */
  readonly multiRunN: number
  readonly sanityCascade?: string
  readonly sanityN: number
  /** Of the sanity images, how many also put integrated gradients and SmoothGrad through the cascade. */
  readonly sanityMultiRunN: number
  /** One provider, no fallback (the evaluated graphs are named in the report). */
  readonly provider: ExecutionProvider
  readonly shard?: { readonly index: number; readonly count: number }
  /** Perturbation / randomisation images = those already recorded with perturbation results (a run stopped part way). */
  readonly recordedOnly: boolean
  readonly argv: readonly string[]
}

type EvalValues = Readonly<Partial<Record<'model' | 'method' | 'methods' | 'data' | 'split' | 'out' | 'limit' | 'perturbation-n' | 'multi-run-n' | 'sanity-cascade' | 'sanity-n' | 'sanity-multi-run-n' | 'provider' | 'shard', string> & Record<'resume' | 'reverse' | 'recorded-only', boolean>>>

function count(name: string, v: string | undefined, fallback: number | undefined): number | undefined {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be an integer >= 0`)
  return n
}

/** `--shard i/k`: 0 ≤ i < k. */
function shardArg(v: string | undefined): { index: number; count: number } | undefined {
  if (v === undefined) return undefined
  const m = /^(\d+)\/(\d+)$/.exec(v)
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (m === null || !(count >= 1) || !(index < count)) throw new UsageError('--shard must be <i>/<k> with 0 <= i < k, e.g. 0/4')
  return { index, count }
}

/** The eval command from parsed flags. */
export function evalArgs(v: EvalValues, modelsDir: string | undefined, argv: readonly string[]): EvalArgs {
  if (v.data === undefined) throw new UsageError('eval needs --data <BUS-BRA folder or folder with labels.csv, images/, masks/>')
  const split = v.split ?? 'test'
  if (!['test', 'val', 'train', 'all'].includes(split)) throw new UsageError('--split must be test, val, train or all')
  const methods = (v.methods ?? v.method)?.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  const limit = count('limit', v.limit, undefined)
  const sanityCascade = v['sanity-cascade']
  const provider = v.provider ?? 'cpu'
  if (!isExecutionProvider(provider)) throw new UsageError('eval takes one --provider: cuda, dml, webgpu or cpu (no fallback: the report names what ran)')
  const shard = shardArg(v.shard)
  return {
    command: 'eval', data: v.data, split: split as SplitName, out: v.out ?? 'mamba-lens-eval', resume: v.resume === true, reverse: v.reverse === true,
    perturbationN: count('perturbation-n', v['perturbation-n'], 40)!, multiRunN: count('multi-run-n', v['multi-run-n'], 0)!, sanityN: count('sanity-n', v['sanity-n'], 10)!,
    sanityMultiRunN: count('sanity-multi-run-n', v['sanity-multi-run-n'], 0)!, argv, provider, recordedOnly: v['recorded-only'] === true,
    ...(shard !== undefined ? { shard } : {}),
    ...(v.model !== undefined ? { model: v.model } : {}),
    ...(modelsDir !== undefined ? { modelsDir } : {}),
    ...(methods !== undefined ? { methods } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(sanityCascade !== undefined ? { sanityCascade } : {}),
  }
}

function progressOf(sink: TextSink): { update(done: number, total: number, label: string): void; finish(): void } {
  let bar: ProgressBar | undefined
  let barTotal = -1
  return {
    update(done, total, label) {
      if (sink.isTTY === true) {
        if (total !== barTotal) { bar?.finish(); bar = new ProgressBar(sink, total); barTotal = total }
        bar?.update(done, label.startsWith('randomised') ? label : '')
      } else if (done % 10 === 0 || done === total) {
        sink.write(`mamba-lens eval: ${done}/${total}${label.startsWith('randomised') ? ` ${label}` : ''}\n`)
      }
    },
    finish: () => bar?.finish(),
  }
}

/** Runs the evaluation; prints where the report is. */
export async function evalCommand(args: EvalArgs, modelsDir: string, io: { stdout: TextSink; stderr: TextSink }, log: Logger): Promise<ExitCode> {
  const entry = resolveModel(scanModels(modelsDir, log), args.model)
  const supported = supportedMethods(entry).map((m) => m.id)
  // Multi-run gradient baselines need the input gradient (graphs exported with --input-gradient).
  const multi = supported.includes('gradient-x-input') ? [INTEGRATED_GRADIENTS_ID, SMOOTHGRAD_ID] : []
  const methodIds = args.methods ?? [...supported, ...multi, CENTRE_GAUSSIAN_ID]
  for (const id of methodIds) {
    if (isReferenceMap(id) || isMultiRun(id)) continue
    getMethod(id)
    if (!supported.includes(id)) throw new UsageError(`method ${id} needs outputs this model's graph does not have`)
  }
  const progress = progressOf(io.stderr)
  try {
    const outcome = await runEvalJob({
      entry, dataDir: args.data, datasetName: basename(args.data.replace(/[/\\]+$/, '')), split: args.split, methodIds, out: args.out,
      resume: args.resume, reverse: args.reverse, provider: args.provider, recordedOnly: args.recordedOnly, ...(args.shard !== undefined ? { shard: args.shard } : {}), perturbationN: args.perturbationN, multiRunN: args.multiRunN, sanityN: args.sanityN, sanityMultiRunN: args.sanityMultiRunN, command: `mamba-lens ${args.argv.join(' ')}`,
      date: new Date().toISOString().slice(0, 10),
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      ...(args.sanityCascade !== undefined ? { sanityCascade: args.sanityCascade } : {}),
    }, progress.update)
    progress.finish()
    if (outcome.shard === true) {
      io.stdout.write(`shard ${args.shard!.index}/${args.shard!.count}: ${outcome.images} images recorded in ${args.out}; when every shard is done, run again without --shard (with --resume) for the report\n`)
      return EXIT.ok
    }
    io.stdout.write(`evaluated ${outcome.images} images; best-ranked method: ${outcome.defaultMethod ?? '–'}; report: ${args.out}/report.md\n`)
    return EXIT.ok
  } catch (e) {
    progress.finish()
    if (e instanceof EvalDataError) throw new UsageError(e.message)
    throw e
  }
}
