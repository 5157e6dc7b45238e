/**
 * Synthetic export requests: an engine result with smooth, known heatmaps (no model run needed), a
 * picture, a model card and a view. Heatmaps are bilinear ×16 of a 14×14 patch map, like the engine's.
 */
import type { ExplainResult, MethodResult } from '../../../../main/core/engine/api'
import type { ExportView, FigureRequest } from '../../../../main/core/export/types'
import type { Rgb8Image } from '../../../../main/core/image/types'
import { PhiRecord } from '../../../../main/core/image/phi'
import { NOT_ASSESSED } from '../../../../main/core/trust/domain'

export const MODEL = {
  id: 'vim-tiny-test', name: 'Vim-Tiny (test)', sha256: 'a'.repeat(64), classes: ['cat', 'dog', 'Pékinois'],
  grid: [14, 14] as const, layers: 24,
}

/** A smooth map with a bump at (cx, cy) in 0..1 model coordinates, plus a ramp. */
export function smoothHeatmap(w: number, h: number, cx: number, cy: number, scale = 1, offset = 0): Float32Array {
  const out = new Float32Array(w * h)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = x / w - cx
      const dy = y / h - cy
      out[y * w + x] = offset + scale * (Math.exp(-(dx * dx + dy * dy) / 0.03) + 0.2 * (x / w))
    }
  }
  return out
}

/** A photo-like picture: colour gradients and a disc. */
export function picture(width: number, height: number): Rgb8Image {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const disc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 4) ** 2
      data[i] = Math.round((255 * x) / Math.max(1, width - 1))
      data[i + 1] = Math.round((255 * y) / Math.max(1, height - 1))
      data[i + 2] = disc ? 230 : 40
    }
  }
  return { width, height, data }
}

function method(id: string, w: number, h: number, cx: number, cy: number, scale: number, offset: number): MethodResult {
  return {
    methodId: id, patchRelevance: new Float32Array(196).fill(1), heatmap: smoothHeatmap(w, h, cx, cy, scale, offset),
    heatmapWidth: w, heatmapHeight: h, degenerate: false, durationMs: 1,
  }
}

/**
 * A result for an image of `width × height`: centre-cropped square resized to 224 (like the engine's
 * 'resize-shorter + centre crop'), two methods with different value scales.
 */
export function result(width: number, height: number): ExplainResult {
  const side = Math.min(width, height)
  const preview = picture(224, 224)
  return {
    runId: 'run-1', modelId: MODEL.id, provider: 'cpu', targetClass: 1,
    topK: [{ index: 1, label: 'dog', logit: 3, probability: 0.875 }, { index: 0, label: 'cat', logit: 1, probability: 0.1 }],
    methods: [method('mamba-rollout', 224, 224, 0.4, 0.5, 1, 0), method('mamba-attribution', 224, 224, 0.6, 0.3, 0.004, -0.001)],
    transform: {
      originalWidth: width, originalHeight: height,
      crop: { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), width: side, height: side },
      modelWidth: 224, modelHeight: 224, resize: 'bilinear', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
    },
    modelInputPreview: preview.data, timings: {}, graph: 'full',
    verdict: { label: 'dog', classIndex: 1, probability: 0.875, threshold: null, positiveClass: null, positiveLabel: null, reliable: true },
    trust: { domain: NOT_ASSESSED, agreement: {}, evaluated: {} },
  }
}

export const VIEW: ExportView = {
  methodIds: ['mamba-rollout'], colormap: 'viridis', opacity01: 0.6, threshold01: 0, contour: false, showGrid: false,
  pinnedPatch: null, layerRange: { start: 15, end: 23 }, mode: 'image',
}

/** Made-up identifying values (never a real person). */
export const FAKE_PHI = new PhiRecord({
  PatientName: 'Testperson^Alice^Q', PatientID: 'MRN-000-TEST-42', PatientBirthDate: '19700101',
  AccessionNumber: 'ACC-TEST-9001', InstitutionName: 'Example General Hospital', StudyDate: '20240102', PatientSex: 'F',
})

/** A full request; `over` replaces top-level fields, `view` merges into the view. */
export function request(width = 300, height = 240, over: Partial<FigureRequest> = {}, view: Partial<ExportView> = {}): FigureRequest {
  return {
    result: result(width, height), image: picture(width, height), model: MODEL, view: { ...VIEW, ...view },
    source: { kind: 'dicom', fileSha256: 'b'.repeat(64), phi: FAKE_PHI, meta: { modality: 'CT' } },
    appVersion: '0.1.0', methodLabels: { 'mamba-rollout': 'Mamba-Rollout', 'mamba-attribution': 'Mamba-Attribution' },
    createdAt: '2026-01-02T03:04:05.000Z', ...over,
  }
}
