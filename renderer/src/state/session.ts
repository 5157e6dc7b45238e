/**
 * Session state: what the user chose and where each request stands. Small values and references only; the
 * pixels and heatmaps are drawn from the scene and the results cache. One module-level instance per page,
 * like the scene, because there is exactly one window.
 */
import type {
  AppInfoDto,
  ClassScoreDto,
  DrilldownResultDto,
  ErrorDto,
  ExecutionProviderDto,
  ImageInfoDto,
  InputMappingDto,
  MethodInfoDto,
  ModelInfoDto,
  PixelValueDto,
} from '../../../preload/contract'
import type { ExportReportDto } from '../../../preload/export-contract'
import type { FaithfulnessCheckDto, RunTrustDto, VerdictDto } from '../../../preload/trust-contract'
import type { PatchCell } from '@core/ui/coords'
import { OverlayScene } from '../canvas/overlay-scene'
import { Store } from './store'

export type ImageMeta = Omit<ImageInfoDto, 'display'>

export interface BusyState {
  readonly kind: 'image' | 'explain'
  readonly requestId: string
  readonly label: string
  readonly stage: string
  readonly fraction: number
  /** Progress UI appears only for work that passes 200 ms, so quick actions do not flicker. */
  readonly showProgress: boolean
}

export interface ErrorState {
  readonly context: 'startup' | 'image' | 'explain' | 'drill'
  /** What the user was doing, e.g. "Could not open “scan.dcm”." */
  readonly title: string
  readonly error: ErrorDto
}

/** The run shown in the main pane (the overlay's data lives in the scene). */
export interface ResultMeta {
  readonly runId: string
  readonly modelId: string
  readonly provider: ExecutionProviderDto
  readonly targetClass: number
  readonly topK: readonly ClassScoreDto[]
  readonly timings: Readonly<Record<string, number>>
  /** What the model saw for this run (window or full range, bits, channels). */
  readonly inputMapping: InputMappingDto
  /** The decision at the card's operating point and the run's trust facts (docs/TRUST.md). */
  readonly verdict: VerdictDto
  readonly trust: RunTrustDto
}

/** Quick deletion check of the map on screen (`key` = runId|methodId). */
export interface FaithfulnessState {
  readonly key: string | null
  readonly status: 'idle' | 'loading' | 'ready' | 'error'
  readonly check: FaithfulnessCheckDto | null
}

export const IDLE_FAITHFULNESS: FaithfulnessState = { key: null, status: 'idle', check: null }

/**
 * The export dialog: closed, or open and idle / running / asking to confirm a source marked as carrying
 * burned-in annotation / asking to mask or keep text found on the pixels / done / failed.
 */
export interface ExportUiState {
  readonly open: boolean
  readonly status: 'idle' | 'running' | 'confirm-burned-in' | 'confirm-burned-in-text' | 'done' | 'error'
  /** Of the export in flight (to cancel it and to drop a superseded answer). */
  readonly requestId: string | null
  /** The last report; a browser download's bytes are handed to the browser, not kept (only its file name). */
  readonly report: (Omit<ExportReportDto, 'download'> & { readonly downloaded?: string }) | null
  readonly error: ErrorDto | null
}

export const IDLE_EXPORT: ExportUiState = { open: false, status: 'idle', requestId: null, report: null, error: null }

export interface DrillState {
  readonly status: 'idle' | 'loading' | 'ready' | 'error'
  readonly cell: PatchCell | null
  readonly result: DrilldownResultDto | null
  readonly error: ErrorDto | null
  /** `performance.now()` of the click/key press that asked for it (for the ≤ 50 ms budget). */
  readonly requestedAt: number
  /** `performance.now()` when main's answer arrived (the rest is the page's drawing). */
  readonly respondedAt: number
}

export interface CompareState {
  readonly enabled: boolean
  /** null = same as the main pane. */
  readonly methodId: string | null
  readonly targetClass: number | null
}

export interface SessionState {
  readonly appInfo: AppInfoDto | null
  readonly model: ModelInfoDto | null
  readonly methods: readonly MethodInfoDto[]
  readonly image: ImageMeta | null
  readonly busy: BusyState | null
  readonly error: ErrorState | null
  /** A short, non-error message (e.g. after a cancel). */
  readonly notice: string | null
  readonly result: ResultMeta | null
  readonly methodId: string | null
  /** null = the model's top class. */
  readonly targetClass: number | null
  /** null = each method's own default layers. */
  readonly layerRange: { readonly start: number; readonly end: number } | null
  readonly compare: CompareState
  readonly drill: DrillState
  /** Value of the image pixel under the pointer (modality units for scans), or null. */
  readonly pixel: PixelValueDto | null
  readonly exportUi: ExportUiState
  readonly faithfulness: FaithfulnessState
  /** Drop → first heatmap drawn, and the part of it spent in the page after the result arrived. */
  readonly firstOverlayMs: number | null
  readonly overlayRenderMs: number | null
  /** Click → drill-down drawn, and the page's part of it. */
  readonly drillUpdateMs: number | null
  readonly drillRenderMs: number | null
  /** The frame or slice (0-based) the user stepped to last, ahead of the screen while renditions arrive. */
  readonly navTarget: { readonly imageId: string; readonly axis: string; readonly index: number } | null
  readonly cinePlaying: boolean
  /** What the mouse wheel does over the image (Ctrl/Cmd + wheel does the other): stated in the View controls. */
  readonly wheelAction: WheelAction
}

/** The wheel steps through frames and slices (as OHIF and Weasis do), or zooms. */
export type WheelAction = 'step' | 'zoom'

export const IDLE_DRILL: DrillState = { status: 'idle', cell: null, result: null, error: null, requestedAt: 0, respondedAt: 0 }

export const INITIAL_SESSION: SessionState = {
  appInfo: null,
  model: null,
  methods: [],
  image: null,
  busy: null,
  error: null,
  notice: null,
  result: null,
  methodId: null,
  targetClass: null,
  layerRange: null,
  compare: { enabled: false, methodId: null, targetClass: null },
  drill: IDLE_DRILL,
  pixel: null,
  exportUi: IDLE_EXPORT,
  faithfulness: IDLE_FAITHFULNESS,
  firstOverlayMs: null,
  overlayRenderMs: null,
  drillUpdateMs: null,
  drillRenderMs: null,
  navTarget: null,
  cinePlaying: false,
  wheelAction: 'step',
}

export const session = new Store<SessionState>(INITIAL_SESSION)
export const scene = new OverlayScene()
