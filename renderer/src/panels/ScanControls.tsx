import { useSession } from '../state/hooks'
import { renderImage } from '../state/image-actions'

/** Display controls for grey scans (DICOM, NIfTI): window preset, invert, frame or slice. Hidden for photos. */
export function ScanControls() {
  const image = useSession((s) => s.image)
  if (image === null || !image.isGray) return null
  return (
    <fieldset className="field scan-controls">
      <legend>Display ({image.modality})</legend>
      {image.presets.length > 0 && (
        <>
          <label htmlFor="window-preset">Window</label>
          <select id="window-preset" value={image.presetId} onChange={(e) => void renderImage({ presetId: e.target.value })}>
            {image.presetId === '' && <option value="">Custom (C {image.window.center}, W {image.window.width})</option>}
            {image.presets.map((p) => (
              <option key={p.id} value={p.id}>{p.label}</option>
            ))}
          </select>
        </>
      )}
      <label className="inline">
        <input type="checkbox" checked={image.invert} onChange={(e) => void renderImage({ invert: e.target.checked })} />
        Invert
      </label>
      {image.frame.count > 1 && (
        <>
          <label htmlFor="frame">Frame {image.frame.index + 1} of {image.frame.count}</label>
          <input id="frame" type="range" min={0} max={image.frame.count - 1} value={image.frame.index} onChange={(e) => void renderImage({ frame: Number(e.target.value) })} />
        </>
      )}
      {image.slice !== null && image.slice.count > 1 && (
        <>
          <label htmlFor="slice">Slice {image.slice.index + 1} of {image.slice.count}</label>
          <input id="slice" type="range" min={0} max={image.slice.count - 1} value={image.slice.index} onChange={(e) => void renderImage({ slice: Number(e.target.value) })} />
        </>
      )}
      <p className="hint">The model explains the image exactly as displayed here.</p>
    </fieldset>
  )
}
