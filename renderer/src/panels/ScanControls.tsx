import type { InputMappingDto, ModelInputSourceDto } from '../../../preload/contract'
import { planeName } from '@core/ui/scan-view'
import { goTo, navIndexOf, setCine } from '../state/frame-nav'
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

/** The index the steps are heading to (ahead of the screen while renditions arrive), else the shown one. */
function useNavIndex(shown: number): number {
  return useSession((s) => (s.image === null ? null : navIndexOf(s.image, s.navTarget))) ?? shown
}

/**
 * Frames of any multi-frame file (colour cines included) or slices of a volume: slider, cine play; Page
 * Up / Down, Home / End and the wheel (frame-nav) move the same index.
 */
function StepControls({ kind, index, count }: { readonly kind: 'Frame' | 'Volume' | 'Slice'; readonly index: number; readonly count: number }) {
  const playing = useSession((s) => s.cinePlaying)
  const target = useNavIndex(index)
  const id = kind.toLowerCase()
  return (
    <>
      <label htmlFor={id} data-testid={`${id}-label`}>{kind} {target + 1} of {count}</label>
      <div className="step-row">
        <input id={id} data-testid={id} type="range" min={0} max={count - 1} value={target} onChange={(e) => goTo(Number(e.target.value))} />
        <button type="button" data-testid="cine-play" aria-pressed={playing} onClick={() => setCine(!playing)} title="Play through the frames (the model runs when it stops)">
          {playing ? 'Stop' : 'Play'}
        </button>
      </div>
    </>
  )
}

/**
 * Display controls for scans: window preset (or right-drag on the image), invert and model input for grey
 * images; frames of any multi-frame file and NIfTI slice axis and index with the orientation. Hidden for
 * single-frame photos.
 */
export function ScanControls() {
  const image = useSession((s) => s.image)
  if (image === null || (!image.isGray && image.slice === null && image.frame.count < 2)) return null
  const slice = image.slice
  const axcodes = image.orientation?.axcodes
  return (
    <fieldset className="field scan-controls">
      <legend>Display ({image.modality}{image.isGray ? '' : ', colour'})</legend>
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
      {image.isGray && (
        <label className="inline">
          <input type="checkbox" data-testid="invert" checked={image.invert} onChange={(e) => void renderImage({ invert: e.target.checked })} />
          Invert
        </label>
      )}
      {image.frame.count > 1 && slice === null && <StepControls kind="Frame" index={image.frame.index} count={image.frame.count} />}
      {image.frame.count > 1 && slice !== null && (
        <>
          <label htmlFor="volume">Volume {image.frame.index + 1} of {image.frame.count}</label>
          <input id="volume" type="range" min={0} max={image.frame.count - 1} value={image.frame.index} onChange={(e) => void renderImage({ frame: Number(e.target.value) })} />
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
          {slice.count > 1 && <StepControls kind="Slice" index={slice.index} count={slice.count} />}
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
