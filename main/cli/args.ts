/** Command-line parsing (node:util parseArgs, strict): argv → a typed command or a UsageError. */
import { parseArgs } from 'node:util'
import type { ExecutionProvider } from '../core/engine/api'
import { isColormapId, type ColormapId } from '../core/render/colormaps'
import { isExecutionProvider } from '../adapters/onnx/providers'
import { UsageError } from './exit-codes'

export const USAGE = `Usage:
  mamba-lens explain <images...> [options]      explain image files (PNG, JPEG, WebP, TIFF, GIF, AVIF)
  mamba-lens explain --input-tensor <file.npy>  explain a normalised float32 [N,3,H,W] or [3,H,W] tensor
  mamba-lens models [--json]                    list installed models
  mamba-lens methods [--model <id>] [--json]    list explanation methods

Options (explain):
  --model <id|card.json|graph.onnx>  model (default: the card marked default)
  --method <id[,id...]>              methods (default: all the model supports)
  --class <n>                        class to explain (default: top-1)
  --out <dir>                        output folder (default: ./mamba-lens-out)
  --colormap viridis|inferno|jet     overlay colours (default: viridis)
  --opacity <0..1>                   heat opacity (default: 0.5)
  --top-k <n>                        classes reported (default: 5)
  --start-layer <n> --end-layer <n>  layer range of layer-wise methods
  --provider <ep[,ep...]>            cuda, dml, webgpu, cpu (CPU is always the fallback)
  --models-dir <dir>                 model cards folder (default: $MAMBA_LENS_MODELS or ./models)
  --json                             print a JSON summary on stdout
Exit codes: 0 ok, 1 internal, 2 usage, 3 input, 4 model, 5 cancelled.`

/** Options shared by the explain command. */
export interface ExplainArgs {
  readonly command: 'explain'
  readonly images: readonly string[]
  readonly inputTensor?: string
  readonly model?: string
  readonly methods?: readonly string[]
  readonly targetClass?: number
  readonly out: string
  readonly colormap: ColormapId
  readonly opacity01: number
  readonly topK: number
  readonly startLayer?: number
  readonly endLayer?: number
  readonly providers?: readonly ExecutionProvider[]
  readonly modelsDir?: string
  readonly json: boolean
}

export type Command =
  | ExplainArgs
  | { readonly command: 'models'; readonly json: boolean; readonly modelsDir?: string }
  | { readonly command: 'methods'; readonly json: boolean; readonly model?: string; readonly modelsDir?: string }
  | { readonly command: 'help' }

function int(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}`)
  return n
}

/** Parses argv (without node and script). */
export function parseCommand(argv: readonly string[]): Command {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string' }, method: { type: 'string' }, class: { type: 'string' }, out: { type: 'string' },
        colormap: { type: 'string' }, opacity: { type: 'string' }, 'top-k': { type: 'string' },
        'start-layer': { type: 'string' }, 'end-layer': { type: 'string' }, provider: { type: 'string' },
        'models-dir': { type: 'string' }, 'input-tensor': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e))
  }
  const { values: v, positionals } = parsed
  const [command, ...rest] = positionals
  if (v.help === true || command === undefined || command === 'help') return { command: 'help' }
  const modelsDir = v['models-dir']
  const json = v.json === true
  if (command === 'models') return { command, json, ...(modelsDir !== undefined ? { modelsDir } : {}) }
  if (command === 'methods') return { command, json, ...(v.model !== undefined ? { model: v.model } : {}), ...(modelsDir !== undefined ? { modelsDir } : {}) }
  if (command !== 'explain') throw new UsageError(`unknown command '${command}'`)
  const inputTensor = v['input-tensor']
  if (rest.length === 0 && inputTensor === undefined) throw new UsageError('explain needs image files or --input-tensor')
  if (rest.length > 0 && inputTensor !== undefined) throw new UsageError('give either image files or --input-tensor, not both')
  const colormap = v.colormap ?? 'viridis'
  if (!isColormapId(colormap)) throw new UsageError('--colormap must be viridis, inferno or jet')
  const opacity01 = v.opacity === undefined ? 0.5 : Number(v.opacity)
  if (!(opacity01 >= 0 && opacity01 <= 1)) throw new UsageError('--opacity must be between 0 and 1')
  const providers = v.provider?.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  if (providers !== undefined && !providers.every(isExecutionProvider)) throw new UsageError('--provider must list cuda, dml, webgpu or cpu')
  const methods = v.method?.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  const targetClass = int('class', v.class)
  const startLayer = int('start-layer', v['start-layer'])
  const endLayer = int('end-layer', v['end-layer'])
  return {
    command, images: rest, out: v.out ?? 'mamba-lens-out', colormap, opacity01, json,
    topK: int('top-k', v['top-k'], 1) ?? 5,
    ...(inputTensor !== undefined ? { inputTensor } : {}),
    ...(v.model !== undefined ? { model: v.model } : {}),
    ...(methods !== undefined ? { methods } : {}),
    ...(targetClass !== undefined ? { targetClass } : {}),
    ...(startLayer !== undefined ? { startLayer } : {}),
    ...(endLayer !== undefined ? { endLayer } : {}),
    ...(providers !== undefined ? { providers: providers as ExecutionProvider[] } : {}),
    ...(modelsDir !== undefined ? { modelsDir } : {}),
  }
}
