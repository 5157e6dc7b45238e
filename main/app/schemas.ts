/**
 * Runtime schemas of every invoke channel. The page is untrusted input (STYLE.md §1.2): main validates each
 * request before a handler sees it, in Electron and in the browser bridge alike. The `satisfies` clause makes
 * the compiler reject a schema that drifts from the contract's request type.
 */
import { z } from 'zod'
import { MAX_FILE_BYTES } from '../adapters/image-io/limits'
import type { InvokeChannel, ReqOf } from '../../preload/contract'

/** Largest file the app accepts (a multi-frame DICOM can be large; beyond this, decoding would exhaust memory). */
export const MAX_IMAGE_BYTES = MAX_FILE_BYTES

const id = z.string().min(1).max(200)
const layer = z.number().int().min(0).max(4096)

const windowLevel = z.strictObject({ center: z.number().finite(), width: z.number().finite().positive() })

const explainOptions = z.strictObject({
  modelId: id.optional(),
  methods: z.array(id).max(64).optional(),
  targetClass: z.number().int().min(0).max(1_000_000).optional(),
  startLayer: layer.optional(),
  endLayer: layer.optional(),
  topK: z.number().int().min(1).max(100).optional(),
})

const fraction = z.number().finite().min(0).max(1)

const exportView = z.strictObject({
  colormap: z.enum(['viridis', 'inferno', 'jet']),
  opacity01: fraction,
  threshold01: fraction,
  contour: z.boolean(),
  showGrid: z.boolean(),
  pinnedPatch: z.number().int().min(0).max(1_000_000).nullable(),
  mode: z.enum(['image', 'model']),
})

const exportFigure = z.strictObject({
  requestId: id,
  // One pane, or the side-by-side comparison (two today; a little headroom, no more).
  panes: z.array(z.strictObject({ runId: id, methodId: id })).min(1).max(4),
  view: exportView,
  formats: z.array(z.enum(['png', 'svg', 'pdf', 'dicom'])).min(1).max(4),
  pngScales: z.array(z.number().int().min(1).max(4)).max(4),
  caption: z.string().max(1000).optional(),
  sidecar: z.boolean(),
  keepLinkageId: z.boolean(),
  fileToSourceStudy: z.boolean().optional(),
  acceptBurnedInAnnotation: z.boolean(),
  burnedInText: z.enum(['mask', 'keep']).optional(),
})

type Schemas = { [C in InvokeChannel]: z.ZodType<ReqOf<C>> }

export const REQUEST_SCHEMAS = {
  'app:info': z.null(),
  'methods:list': z.strictObject({ modelId: id.optional() }),
  'image:load': z.strictObject({
    name: z.string().max(1024),
    bytes: z.instanceof(Uint8Array).refine((b) => b.length <= MAX_IMAGE_BYTES, 'file too large'),
  }),
  'image:open-dialog': z.null(),
  'image:render': z.strictObject({
    imageId: id,
    presetId: id.optional(),
    window: windowLevel.optional(),
    invert: z.boolean().optional(),
    frame: z.number().int().min(0).optional(),
    slice: z.number().int().min(0).optional(),
    sliceAxis: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    modelInput: z.enum(['model-card', 'full-range', 'reader-window']).optional(),
  }),
  'image:value': z.strictObject({ imageId: id, x: z.number().finite(), y: z.number().finite() }),
  'image:phi': z.strictObject({ imageId: id }),
  'explain:run': z.strictObject({ requestId: id, imageId: id, options: explainOptions }),
  'explain:cancel': z.strictObject({ requestId: id }),
  'explain:drilldown': z.strictObject({ runId: id, token: z.number().int().min(0).max(1_000_000) }),
  'explain:faithfulness': z.strictObject({ runId: id, methodId: id }),
  'export:figure': exportFigure,
  'export:cancel': z.strictObject({ requestId: id }),
  'log:write': z.strictObject({ level: z.enum(['warn', 'error']), message: z.string().max(4000) }),
} satisfies Schemas

/** Validates `raw` for `channel`; returns the typed request or `null` (the caller answers `ipc/invalid-request`). */
export function parseRequest<C extends InvokeChannel>(channel: C, raw: unknown): { ok: true; req: ReqOf<C> } | { ok: false; issues: string } {
  const schema: z.ZodType<ReqOf<C>> = (REQUEST_SCHEMAS as Schemas)[channel]
  const r = schema.safeParse(raw)
  if (r.success) return { ok: true, req: r.data }
  return { ok: false, issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 500) }
}
