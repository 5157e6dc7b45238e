/** Command-line parsing (node:util parseArgs, strict): argv → a typed command or a UsageError. */
import { parseArgs } from 'node:util'
import type { ExecutionProvider } from '../core/engine/api'
import { isColormapId, type ColormapId } from '../core/ui/colormaps'
import { isExecutionProvider } from '../adapters/onnx/providers'
import { isExportFormat, type ExportFormat } from '../core/export/types'
import { UsageError } from './exit-codes'
import { evalArgs, type EvalArgs } from './eval-cmd'

export const USAGE = `Usage:
  mamba-lens explain <files...> [options]       explain images and scans (PNG, JPEG, WebP, TIFF, GIF, DICOM, NIfTI)
  mamba-lens explain --input-tensor <file.npy>  explain a normalised float32 [N,3,H,W] or [3,H,W] tensor
  mamba-lens models [--json]                    list installed models
  mamba-lens methods [--model <id>] [--json]    list explanation methods
  mamba-lens doctor [--model <id>] [--provider <ep,...>] [--json]
                                                execution providers that load, GPU libraries found, the one that runs
  mamba-lens eval --data <dir> [options]        evaluate explanation methods (docs/eval/README.md)

Options (explain):
  --model <id|card.json|graph.onnx>  model (default: the card marked default)
  --method <id[,id...]>              methods (default: all the model supports)
  --class <n>                        class to explain (default: the verdict's class at the card's operating point, else top-1)
  --out <dir>                        output folder (default: ./mamba-lens-out)
  --colormap viridis|inferno|jet     overlay colours (default: viridis)
  --opacity <0..1>                   heat opacity (default: 0.5)
  --top-k <n>                        classes reported (default: 5)
  --start-layer <n> --end-layer <n>  layer range of layer-wise methods
  --provider <ep[,ep...]>            cuda, dml, webgpu, cpu: only these, in this order; one that cannot load is
                                     an error (exit 4), never a silent CPU run (default: cuda → dml → webgpu → cpu)
  --models-dir <dir>                 model cards folder (default: $MAMBA_LENS_MODELS or ./models)
  --json                             print a JSON summary on stdout (one entry per input, streamed)
  --skip-existing                    skip inputs whose JSON in --out is of the same file (sha256): resumes a batch
  --progress                         one progress line per input on stderr (a TTY gets a bar anyway)

Scans (DICOM, NIfTI): the model gets the displayed window mapped to 8 bits, grey copied to 3 channels
(recorded in the JSON as source.inputMapping):
  --model-input display|full-range   displayed window (default) or the whole value range
  --preset <id>                      window preset (e.g. ct-lung, ct-bone; default: the file's own window)
  --window <center>,<width>          explicit window in modality units (HU for CT)

Figures (docs/EXPORT.md): one figure per method, instead of the plain overlay PNGs:
  --format png,svg,pdf,dicom         formats to write (dicom = Secondary Capture)
  --scale <n[,n]>                    PNG scales (default: 1,2)
  --caption <text>                   your caption, added to the generated one (checked for patient data)
  --sidecar                          also write <stem>.provenance.json
  --accept-burned-in                 the pixels of sources marked BurnedInAnnotation YES carry no patient data
  --burned-in-text mask|keep         text found on the pixels (raster, US, SC): mask it, or keep it (checked by you)
  --linkage-id                       keep a hashed linkage ID (needs --linkage-salt or $MAMBA_LENS_LINKAGE_SALT)
  --linkage-salt <secret>            site secret for the linkage hash (at least 8 characters)
  --file-to-source-study             DICOM inputs: the SC keeps the patient and study identifiers and references
                                     the source image, to be filed back into that study (other formats stay de-identified)
Options (eval): --model, --methods <id,...> (default: all the model supports + centre-gaussian),
  --split test|val|train|all (default test), --out <dir>, --limit <n>, --resume, --reverse, --provider cuda|dml|cpu (one;
  the card's GPU-shaped graphs where it names them), --shard <i>/<k> (records only; aggregate with --resume),
  --recorded-only (a run stopped part way: perturbation and randomisation images = those already recorded), --perturbation-n <n>
  (images that also get the perturbation tests, default 40), --multi-run-n <n> (further images that get integrated
  gradients and SmoothGrad, default 0), --sanity-cascade <dir> --sanity-n <n> (default 10), --sanity-multi-run-n <n> (of
  those, images where integrated gradients and SmoothGrad go through the cascade too, default 0)
Exit codes: 0 ok, 1 internal (also: figure could not be written), 2 usage (also: invalid export settings),
3 input (also: patient data in the figure, burned-in annotation), 4 model, 5 cancelled.`

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
  /** Inputs whose `<stem>.json` in `out` records the same file (sha256) are skipped: an interrupted batch resumes. */
  readonly skipExisting: boolean
  /** One line per input on stderr (for logs; a TTY shows a bar regardless). */
  readonly progress: boolean
  /** Scans: how the model input is made (default: the displayed window). */
  readonly modelInput: 'display' | 'full-range'
  readonly presetId?: string
  readonly window?: { readonly center: number; readonly width: number }
  /** Figure export through exportFigure; absent = the plain overlay PNGs. */
  readonly figure?: FigureArgs
}

/** `--format` and friends. */
export interface FigureArgs {
  readonly formats: readonly ExportFormat[]
  readonly scales: readonly number[]
  readonly caption?: string
  readonly sidecar: boolean
  readonly acceptBurnedIn: boolean
  readonly burnedInText?: 'mask' | 'keep'
  readonly keepLinkageId: boolean
  readonly linkageSalt?: string
  readonly fileToSourceStudy: boolean
}

export type Command =
  | ExplainArgs
  | EvalArgs
  | { readonly command: 'models'; readonly json: boolean; readonly modelsDir?: string }
  | { readonly command: 'methods'; readonly json: boolean; readonly model?: string; readonly modelsDir?: string }
  | DoctorArgs
  | { readonly command: 'help' }

/** `mamba-lens doctor`: providers to try (default: every provider this build lists) and the model they run. */
export interface DoctorArgs {
  readonly command: 'doctor'
  readonly json: boolean
  readonly model?: string
  readonly modelsDir?: string
  readonly providers?: readonly ExecutionProvider[]
}

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
        'model-input': { type: 'string' }, preset: { type: 'string' }, window: { type: 'string' },
        format: { type: 'string' }, scale: { type: 'string' }, caption: { type: 'string' }, sidecar: { type: 'boolean' },
        'accept-burned-in': { type: 'boolean' }, 'burned-in-text': { type: 'string' }, 'linkage-id': { type: 'boolean' }, 'linkage-salt': { type: 'string' },
        'file-to-source-study': { type: 'boolean' },
        data: { type: 'string' }, methods: { type: 'string' }, split: { type: 'string' }, limit: { type: 'string' }, resume: { type: 'boolean' }, reverse: { type: 'boolean' },
        'perturbation-n': { type: 'string' }, 'multi-run-n': { type: 'string' }, 'sanity-cascade': { type: 'string' }, 'sanity-n': { type: 'string' },
        'sanity-multi-run-n': { type: 'string' },
        'skip-existing': { type: 'boolean' }, progress: { type: 'boolean' }, shard: { type: 'string' }, 'recorded-only': { type: 'boolean' },
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
  const providers = providerList(v.provider)
  if (command === 'doctor') {
    return { command, json, ...(v.model !== undefined ? { model: v.model } : {}), ...(modelsDir !== undefined ? { modelsDir } : {}), ...(providers !== undefined ? { providers } : {}) }
  }
  if (command === 'eval') return evalArgs(v, modelsDir, argv)
  if (command !== 'explain') throw new UsageError(`unknown command '${command}'`)
  const inputTensor = v['input-tensor']
  if (rest.length === 0 && inputTensor === undefined) throw new UsageError('explain needs image files or --input-tensor')
  if (rest.length > 0 && inputTensor !== undefined) throw new UsageError('give either image files or --input-tensor, not both')
  const skipExisting = v['skip-existing'] === true
  if (skipExisting && inputTensor !== undefined) throw new UsageError('--skip-existing applies to files, not --input-tensor')
  const colormap = v.colormap ?? 'viridis'
  if (!isColormapId(colormap)) throw new UsageError('--colormap must be viridis, inferno or jet')
  const opacity01 = v.opacity === undefined ? 0.5 : Number(v.opacity)
  if (!(opacity01 >= 0 && opacity01 <= 1)) throw new UsageError('--opacity must be between 0 and 1')
  const methods = v.method?.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  const targetClass = int('class', v.class)
  const startLayer = int('start-layer', v['start-layer'])
  const endLayer = int('end-layer', v['end-layer'])
  const modelInput = v['model-input'] ?? 'display'
  if (modelInput !== 'display' && modelInput !== 'full-range') throw new UsageError('--model-input must be display or full-range')
  const window = windowArg(v.window)
  const figure = figureArgs(v)
  return {
    command, images: rest, out: v.out ?? 'mamba-lens-out', colormap, opacity01, json, skipExisting, progress: v.progress === true,
    topK: int('top-k', v['top-k'], 1) ?? 5,
    ...(inputTensor !== undefined ? { inputTensor } : {}),
    ...(v.model !== undefined ? { model: v.model } : {}),
    ...(methods !== undefined ? { methods } : {}),
    ...(targetClass !== undefined ? { targetClass } : {}),
    ...(startLayer !== undefined ? { startLayer } : {}),
    ...(endLayer !== undefined ? { endLayer } : {}),
    ...(providers !== undefined ? { providers } : {}),
    ...(modelsDir !== undefined ? { modelsDir } : {}),
    modelInput,
    ...(v.preset !== undefined ? { presetId: v.preset } : {}),
    ...(window !== undefined ? { window } : {}),
    ...(figure !== undefined ? { figure } : {}),
  }
}

function list(v: string | undefined): string[] | undefined {
  return v?.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
}

function providerList(v: string | undefined): ExecutionProvider[] | undefined {
  const providers = list(v)
  if (providers !== undefined && (providers.length === 0 || !providers.every(isExecutionProvider))) throw new UsageError('--provider must list cuda, dml, webgpu or cpu')
  return providers as ExecutionProvider[] | undefined
}

function windowArg(v: string | undefined): { center: number; width: number } | undefined {
  if (v === undefined) return undefined
  const [center, width] = (list(v) ?? []).map(Number)
  if (center === undefined || width === undefined || !Number.isFinite(center) || !(width > 0)) throw new UsageError('--window must be <center>,<width> with width > 0')
  return { center, width }
}

function burnedInTextArg(v: string | undefined): { burnedInText?: 'mask' | 'keep' } {
  if (v === undefined) return {}
  if (v !== 'mask' && v !== 'keep') throw new UsageError('--burned-in-text must be mask or keep')
  return { burnedInText: v }
}

type FigureValues = Readonly<Partial<Record<'format' | 'scale' | 'caption' | 'linkage-salt' | 'burned-in-text', string> & Record<'sidecar' | 'accept-burned-in' | 'linkage-id' | 'file-to-source-study', boolean>>>

function figureArgs(v: FigureValues): FigureArgs | undefined {
  const formats = list(v.format)
  if (formats === undefined) {
    if (v.scale !== undefined || v.caption !== undefined || v.sidecar === true || v['linkage-id'] === true || v['file-to-source-study'] === true) throw new UsageError('figure options need --format')
    return undefined
  }
  if (formats.length === 0 || !formats.every(isExportFormat)) throw new UsageError('--format must list png, svg, pdf or dicom')
  const scales = (list(v.scale) ?? ['1', '2']).map(Number)
  if (scales.length === 0 || !scales.every((n) => Number.isInteger(n) && n >= 1 && n <= 4)) throw new UsageError('--scale must list integers from 1 to 4')
  return {
    formats: [...new Set(formats)] as ExportFormat[], scales, sidecar: v.sidecar === true, acceptBurnedIn: v['accept-burned-in'] === true,
    keepLinkageId: v['linkage-id'] === true, fileToSourceStudy: v['file-to-source-study'] === true,
    ...(v.caption !== undefined ? { caption: v.caption } : {}),
    ...(burnedInTextArg(v['burned-in-text'])),
    ...(v['linkage-salt'] !== undefined ? { linkageSalt: v['linkage-salt'] } : {}),
  }
}
