/**
 * THE IPC contract of Mamba Lens (STYLE.md §1.2): channel map, DTOs, error codes, `Result<T>` and the
 * `RendererApi` the page sees. Zero imports on purpose: main imports its constants, the sandboxed preload
 * bundles it, the renderer imports it with `import type`, and the browser-mode bridge uses the same tables,
 * so nothing can drift. DTOs mirror `main/core/engine/api.ts` and `main/core/image/scan-types.ts`; a test
 * (test/preload/contract.test.ts) checks the error codes against `main/core/errors.ts`.
 */

/** Every error code that can reach the page: the core's (main/core/errors.ts) and the IPC layer's own. */
export const ERROR_CODES = [
  'model/not-found', 'model/load-failed', 'model/manifest-invalid', 'model/manifest-mismatch', 'model/hash-mismatch',
  'model/output-missing', 'model/output-shape', 'model/unsupported-layout', 'model/provider-unavailable', 'model/inference-failed', 'model/no-classifier',
  'model/weights-mismatch', 'image/not-found', 'image/not-loaded', 'image/unsupported-format', 'image/decode-failed', 'image/empty', 'image/too-large',
  'image/frame-out-of-range', 'image/slice-out-of-range', 'image/dicom-malformed', 'image/dicom-no-pixel-data',
  'image/dicom-truncated-pixel-data', 'image/dicom-unsupported-transfer-syntax', 'image/dicom-unsupported-pixel-format',
  'image/dicom-decode-failed', 'image/nifti-malformed', 'image/nifti-unsupported-datatype', 'image/empty-file', 'image/text-file',
  'explain/unknown-method',
  'explain/missing-tap', 'explain/tap-shape', 'explain/layer-range', 'explain/target-class', 'explain/invalid-token',
  'explain/method-unsupported', 'run/not-found', 'run/cancelled', 'run/timeout', 'export/phi-detected', 'export/burned-in-annotation',
  'export/invalid-request', 'export/write-failed', 'export/phi-pattern', 'export/burned-in-text', 'internal',
  'ipc/invalid-request', 'ipc/forbidden', 'ipc/unsupported', // the IPC layer's: failed validation, a sender not our window
] as const

/** Stable `domain/reason` error code. */
export type ErrorCode = (typeof ERROR_CODES)[number]
/** An error as the page receives it: `message` is the user-facing sentence (what happened, then what to do). */
export interface ErrorDto { readonly code: ErrorCode; readonly message: string }

/** Every call returns a Result instead of throwing: a thrown error would cross IPC with only its message. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorDto }

// ---- Engine DTOs (mirror main/core/engine/api.ts) ----

export type ExecutionProviderDto = 'cuda' | 'dml' | 'webgpu' | 'cpu'
export interface ModelInfoDto {
  readonly id: string; readonly name: string; readonly classes: readonly string[]; readonly inputSize: readonly [number, number]
  readonly layers: number; readonly tokens: number; readonly clsIndex: number; readonly grid: readonly [number, number]
  readonly patchSize: number; readonly gradFirstLayer: number; readonly sha256: string; readonly isDefault: boolean
  readonly card: Readonly<Record<string, unknown>>
}

export interface MethodInfoDto {
  readonly id: string; readonly label: string; readonly classSpecific: boolean; readonly spec: string
  readonly official: boolean; readonly description: string
}

export interface ClassScoreDto { readonly index: number; readonly label: string; readonly logit: number; readonly probability: number }
export interface InputTransformDto {
  readonly originalWidth: number; readonly originalHeight: number
  readonly crop: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
  readonly modelWidth: number; readonly modelHeight: number; readonly resize: string
  readonly mean: readonly number[]; readonly std: readonly number[]
}

export interface ExplainOptionsDto {
  readonly modelId?: string; readonly methods?: readonly string[]; readonly targetClass?: number
  readonly startLayer?: number; readonly endLayer?: number; readonly topK?: number
}

/** Flat, PHI-free record of how the model input was made from the file (main/core/image/model-input.ts). */
export type InputMappingDto = Readonly<Record<string, string | number | boolean>>

export interface MethodResultDto {
  readonly methodId: string
  /** Row-major patch grid, CLS removed. */
  readonly patchRelevance: Float32Array
  /** Model-input resolution (e.g. 224×224). */
  readonly heatmap: Float32Array
  readonly heatmapWidth: number; readonly heatmapHeight: number; readonly degenerate: boolean; readonly durationMs: number
}

export interface ExplainResultDto {
  readonly runId: string; readonly modelId: string; readonly provider: ExecutionProviderDto; readonly targetClass: number
  readonly topK: readonly ClassScoreDto[]; readonly methods: readonly MethodResultDto[]; readonly transform: InputTransformDto
  /** RGB8, modelWidth × modelHeight: "what the model saw". */
  readonly modelInputPreview: Uint8Array
  /** What went to the model: window / full range, bits, channels, frame or slice (recorded with the run). */
  readonly inputMapping: InputMappingDto
  readonly timings: Readonly<Record<string, number>>
}

export interface DrilldownResultDto {
  readonly runId: string; readonly token: number; readonly patch: number
  /** [layer][direction] → Float32Array(L) in original token order: what the token attends to. */
  readonly rows: readonly (readonly [Float32Array, Float32Array])[]
  /** [layer][direction] → Float32Array(L): who attends to the token. */
  readonly cols: readonly (readonly [Float32Array, Float32Array])[]
  /** methodId → per-layer value of the patch (contribution profile). */
  readonly profile: Readonly<Record<string, Float32Array>>
  readonly durationMs: number
}

// ---- Image DTOs (mirror main/core/image/scan-types.ts, minus pixels and identifying data) ----

export interface WindowLevelDto { readonly center: number; readonly width: number }
export interface WindowPresetDto { readonly id: string; readonly label: string; readonly source: 'file' | 'modality' | 'auto' }

/** 8-bit interleaved RGB, `data.length === width·height·3`. */
export interface Rgb8Dto { readonly width: number; readonly height: number; readonly data: Uint8Array }

/** Physical size of one pixel in mm; `source` names the attribute (ImagerPixelSpacing is at the detector). */
export interface PixelSpacingDto { readonly row: number; readonly column: number; readonly source: string }

/** NIfTI orientation: axis codes (nibabel's aff2axcodes) and the anatomical label of each displayed edge. */
export interface OrientationDto {
  readonly axcodes: string; readonly source: 'sform' | 'qform' | 'none'
  readonly edges: { readonly left: string; readonly right: string; readonly top: string; readonly bottom: string }
}

/** Model input of a scan: as the card says (default), or the reader's explicit request (full range / the window shown then). */
export type ModelInputSourceDto = 'model-card' | 'full-range' | 'reader-window'
/** What goes to the model for the current display settings; `key` changes exactly when those pixels change. */
export interface ModelInputDto { readonly source: ModelInputSourceDto; readonly key: string; readonly mapping: InputMappingDto }

/** A loaded image as the page knows it: the display rendition and the picker state, never the raw pixels. */
export interface ImageInfoDto {
  /** Key of the image in main's store (the file's SHA-256; never its path). */
  readonly imageId: string
  /** The file name the user dropped (shown; never sent anywhere). */
  readonly name: string
  readonly kind: 'raster' | 'dicom' | 'nifti'
  readonly width: number; readonly height: number; readonly isGray: boolean
  readonly frame: { readonly index: number; readonly count: number }
  /** NIfTI: the cut axis, the slice on it and the voxel dimensions (count per axis). */
  readonly slice: { readonly axis: 0 | 1 | 2; readonly index: number; readonly count: number; readonly dims: readonly [number, number, number] } | null
  readonly modality: string
  /** Unit of the grey values ('HU' for CT), '' when the file does not say. */
  readonly unit: string
  /** Min and max grey value in modality units (window drag sensitivity); null for colour images. */
  readonly valueRange: { readonly min: number; readonly max: number } | null
  readonly window: WindowLevelDto; readonly presetId: string; readonly presets: readonly WindowPresetDto[]; readonly invert: boolean
  readonly pixelSpacingMm: PixelSpacingDto | null; readonly orientation: OrientationDto | null
  readonly modelInput: ModelInputDto
  /** How many identifying attributes main holds back (shown only on request, through `image:phi`). */
  readonly phiCount: number
  readonly meta: Readonly<Record<string, string | number | boolean>>
  readonly display: Rgb8Dto
}

/** Value under a pixel of the original grid: grey in modality units, or the stored RGB. */
export type PixelValueDto =
  | { readonly x: number; readonly y: number; readonly kind: 'gray'; readonly value: number; readonly unit: string }
  | { readonly x: number; readonly y: number; readonly kind: 'rgb'; readonly rgb: readonly [number, number, number] }

/** Identifying attributes of an image, for an explicit user request only (never logged, never cached by the page). */
export interface PatientDetailsDto { readonly fields: readonly { readonly keyword: string; readonly value: string }[] }

export interface AppInfoDto {
  readonly appVersion: string; readonly mode: 'electron' | 'browser'; readonly provider: ExecutionProviderDto
  readonly models: readonly ModelInfoDto[]
}

export interface ProgressDto { readonly requestId: string; readonly stage: string; readonly fraction: number }

// ---- Requests ----
export interface ImageLoadRequest { readonly name: string; readonly bytes: Uint8Array }
/** Re-render a loaded image (window, invert, frame, slice, model input). Omitted fields keep their value. */
export interface ImageRenderRequest {
  readonly imageId: string
  readonly presetId?: string; readonly window?: WindowLevelDto; readonly invert?: boolean
  readonly frame?: number; readonly slice?: number
  /** NIfTI: cut along another voxel axis (the middle slice, unless `slice` is given). */
  readonly sliceAxis?: 0 | 1 | 2; readonly modelInput?: ModelInputSourceDto
}

/** Pixel (x, y) of the original grid (image px; fractions are floored by main). */
export interface PixelValueRequest { readonly imageId: string; readonly x: number; readonly y: number }
export interface ExplainRunRequest {
  /** Chosen by the page; used to cancel and to match progress events. */
  readonly requestId: string; readonly imageId: string; readonly options: ExplainOptionsDto
}

export interface ExplainCancelRequest { readonly requestId: string }
export interface DrilldownRequest { readonly runId: string; readonly token: number }
export interface LogRequest { readonly level: 'warn' | 'error'; readonly message: string }

// ---- Channels ----

/** Request/response pairs of every `invoke` channel (`domain:verb`). */
export interface InvokeContract {
  'app:info': { req: null; res: AppInfoDto }
  'methods:list': { req: { readonly modelId?: string }; res: readonly MethodInfoDto[] }
  'image:load': { req: ImageLoadRequest; res: ImageInfoDto }
  'image:open-dialog': { req: null; res: ImageInfoDto | null }
  'image:render': { req: ImageRenderRequest; res: ImageInfoDto }
  'image:value': { req: PixelValueRequest; res: PixelValueDto | null }
  'image:phi': { req: { readonly imageId: string }; res: PatientDetailsDto }
  'explain:run': { req: ExplainRunRequest; res: ExplainResultDto }
  'explain:cancel': { req: ExplainCancelRequest; res: { readonly cancelled: boolean } }
  'explain:drilldown': { req: DrilldownRequest; res: DrilldownResultDto }
  'log:write': { req: LogRequest; res: null }
}

export type InvokeChannel = keyof InvokeContract
export type ReqOf<C extends InvokeChannel> = InvokeContract[C]['req']
export type ResOf<C extends InvokeChannel> = InvokeContract[C]['res']

/** Menu commands main forwards to the page (Electron's menu accelerators take keys before the page sees them). */
export type AppCommand = 'open' | 'fit' | 'zoom-in' | 'zoom-out' | 'toggle-compare' | 'toggle-model-view'
export interface AppCommandDto { readonly command: AppCommand }

/** Main → page events. */
export interface EventContract { 'explain:progress': ProgressDto; 'app:command': AppCommandDto }
export type EventChannel = keyof EventContract

/** Which channel each `RendererApi` method calls (the bridge client and the design tests use this table). */
export const API_CHANNELS = {
  getAppInfo: 'app:info', listMethods: 'methods:list',
  loadImage: 'image:load', openImageDialog: 'image:open-dialog', renderImage: 'image:render',
  getPixelValue: 'image:value', getPatientDetails: 'image:phi',
  runExplain: 'explain:run', cancelExplain: 'explain:cancel', drilldown: 'explain:drilldown', faithfulness: 'explain:faithfulness', // trust-contract.ts
  exportFigure: 'export:figure', cancelExport: 'export:cancel', // export-contract.ts
  log: 'log:write',
} as const satisfies Record<string, InvokeChannel>

export const INVOKE_CHANNELS = Object.values(API_CHANNELS) as readonly InvokeChannel[]
export const EVENT_CHANNELS: readonly EventChannel[] = ['explain:progress', 'app:command']

/** HTTP paths and header of the browser-mode bridge (same channels, one POST per call). */
export const BRIDGE = { invokePath: '/api/invoke/', eventsPath: '/api/events', tokenHeader: 'x-mamba-lens-token' } as const

/** What the page may call: one function per operation (`window.api` in Electron, the bridge client in a browser). */
export interface RendererApi {
  getAppInfo(): Promise<Result<AppInfoDto>>
  listMethods(req: ReqOf<'methods:list'>): Promise<Result<readonly MethodInfoDto[]>>
  loadImage(req: ImageLoadRequest): Promise<Result<ImageInfoDto>>
  /** Native Open dialog in Electron; a file picker in the browser. `null` when the user cancels. */
  openImageDialog(): Promise<Result<ImageInfoDto | null>>
  renderImage(req: ImageRenderRequest): Promise<Result<ImageInfoDto>>
  /** Pixel readout under the pointer; `null` outside the image. */
  getPixelValue(req: PixelValueRequest): Promise<Result<PixelValueDto | null>>
  /** Identifying attributes, only when the user asks to see them ("Show patient details"). */
  getPatientDetails(req: ReqOf<'image:phi'>): Promise<Result<PatientDetailsDto>>
  runExplain(req: ExplainRunRequest): Promise<Result<ExplainResultDto>>
  cancelExplain(req: ExplainCancelRequest): Promise<Result<{ readonly cancelled: boolean }>>
  drilldown(req: DrilldownRequest): Promise<Result<DrilldownResultDto>>
  log(req: LogRequest): Promise<Result<null>>
  /** Subscribe to run progress; returns the unsubscribe function. The callback never sees IPC internals. */
  onProgress(cb: (p: ProgressDto) => void): () => void
  /** Subscribe to menu commands (Electron only; the browser has no app menu, so it never fires there). */
  onCommand(cb: (c: AppCommandDto) => void): () => void
}

/** Compile-time check that every API method returns its channel's Result (keeps the table and interface in step). */
export type ApiMatchesChannels = {
  [K in keyof typeof API_CHANNELS]: RendererApi[K] extends (...args: never[]) => Promise<Result<ResOf<(typeof API_CHANNELS)[K]>>> ? true : false
}

/** `RendererApi` methods that are event subscriptions rather than channel calls. */
export const API_SUBSCRIPTIONS = { onProgress: 'explain:progress', onCommand: 'app:command' } as const satisfies Record<string, EventChannel>
