import type { InputMappingDto, ModelInputSourceDto } from '../../../preload/contract'
import { planeName } from '@core/ui/scan-view'
import { useSession } from '../state/hooks'
import { renderImage } from '../state/image-actions'

const AXES = [0, 1, 2] as const

function modelInputSource(v: string): ModelInputSourceDto {
  return v === 'full-range' || v === 'reader-window' ? v : 'model-card'
}

/** Says, next to the display controls, whether they reach the model (they do not, unless the reader asked). */
function modelInputNote(source: ModelInputSourceDto, m: InputMappingDto): string {
  const window = m.voi === 'window' ? `C ${String(m.windowCenter)}, W ${String(m.windowWidth)}` : 'its VOI LUT'
  if (source === 'model-card') return `The model sees the file's own window (${window}), as its card sets; your display settings change only the screen.`
  if (source === 'full-range') return `You asked the model to see the full value range (${window}); the verdict is for that input.`
  return `You asked the model to see the window ${window}; choose it again to send a newer window.`
}

/**
 * Display controls for grey scans (DICOM, NIfTI): window preset (or right-drag on the image), invert, frame,
 * NIfTI slice axis and index with the orientation, and what the model is given. Hidden for photos.
 */
export function ScanControls() {
  const image = useSession((s) => s.image)
  if (image === null || (!image.isGray && image.slice === null)) return null
  const slice = image.slice
  const axcodes = image.orientation?.axcodes
  return (
    <fieldset className="field scan-controls">
      <legend>Display ({image.modality})</legend>
      {image.isGray && image.presets.length > 0 && (
        <>
          <label htmlFor="window-preset">Window (or right-drag on the image)</label>
          <select id="window-preset" data-testid="window-preset" value={image.presetId} onChange={(e) => void renderImage({ presetId: e.target.value })}>
            {image.presetId === '' && <option value="">Custom (C {image.window.center}, W {image.window.width})</option>}
            {image.presets.map((p) => (
              <option key={p.id} value={p.id}>{p.label}</option>
            ))}
          </select>
        </>
      )}
      <label className="inline">
        <input type="checkbox" data-testid="invert" checked={image.invert} onChange={(e) => void renderImage({ invert: e.target.checked })} />
        Invert
      </label>
      {image.frame.count > 1 && (
        <>
          <label htmlFor="frame">{image.kind === 'nifti' ? 'Volume' : 'Frame'} {image.frame.index + 1} of {image.frame.count}</label>
          <input id="frame" type="range" min={0} max={image.frame.count - 1} value={image.frame.index} onChange={(e) => void renderImage({ frame: Number(e.target.value) })} />
        </>
      )}
      {slice !== null && (
        <>
          <label htmlFor="slice-axis">Slice axis</label>
          <select id="slice-axis" data-testid="slice-axis" value={slice.axis} onChange={(e) => void renderImage({ sliceAxis: Number(e.target.value) as 0 | 1 | 2 })}>
            {AXES.map((a) => (
              <option key={a} value={a}>
                {['i', 'j', 'k'][a]} ({slice.dims[a]} slices{axcodes !== undefined && axcodes !== '???' ? `, ${planeName(axcodes[a])}` : ''})
              </option>
            ))}
          </select>
          <label htmlFor="slice">Slice {slice.index + 1} of {slice.count}</label>
          <input id="slice" data-testid="slice" type="range" min={0} max={Math.max(0, slice.count - 1)} value={slice.index} onChange={(e) => void renderImage({ slice: Number(e.target.value) })} />
        </>
      )}
      {image.orientation !== null && (
        <p className="hint" data-testid="orientation">
          Orientation {image.orientation.axcodes} ({image.orientation.source}); left edge {image.orientation.edges.left}, top {image.orientation.edges.top}.
        </p>
      )}
      {image.isGray && (
        <>
          <label htmlFor="model-input">Model input</label>
          <select id="model-input" data-testid="model-input-source" value={image.modelInput.source} onChange={(e) => void renderImage({ modelInput: modelInputSource(e.target.value) })}>
            <option value="model-card">As the model card sets it</option>
            <option value="full-range">Full value range (my request)</option>
            <option value="reader-window">The window shown now (my request)</option>
          </select>
          <p className="hint" data-testid="model-input-note">{modelInputNote(image.modelInput.source, image.modelInput.mapping)}</p>
        </>
      )}
    </fieldset>
  )
}
