// @vitest-environment jsdom
/**
 * The export dialog, scan controls, model-input panel, patient details and pane annotations: labelled,
 * keyboard-reachable controls; DICOM-only options only for DICOM; patient details only after a click.
 */
import { act } from 'react'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ImageInfoDto } from '../../preload/contract'
import { setApi } from '../../renderer/src/api'
import { ExportDialog } from '../../renderer/src/panels/ExportDialog'
import { PaneAnnotations } from '../../renderer/src/panels/PaneAnnotations'
import { PatientDetails } from '../../renderer/src/panels/PatientDetails'
import { ScanControls } from '../../renderer/src/panels/ScanControls'
import { IDLE_EXPORT, scene, session } from '../../renderer/src/state/session'
import { InMemoryFakeEngine } from './fakes/in-memory-fake-engine'
import { inProcessApi } from './fakes/in-process-api'
import { render, unlabeled, useReactDom } from './helpers/dom'

const api = inProcessApi(new InMemoryFakeEngine())

async function imageOf(name: string): Promise<Omit<ImageInfoDto, 'display'>> {
  const r = await api.loadImage({ name, bytes: new Uint8Array(1) })
  if (!r.ok) throw new Error('fake load failed')
  const { display: _display, ...meta } = r.value
  return meta
}

describe('scan and export panels', () => {
  useReactDom()
  beforeAll(() => {
    setApi(api)
  })

  it('export dialog: labelled, DICOM SC and linkage only for DICOM, report lists the files and the folder', async () => {
    session.set({ image: await imageOf('photo.png'), exportUi: { ...IDLE_EXPORT, open: true } })
    const el = render(<ExportDialog />)
    expect(el.querySelector('[role=dialog]')?.hasAttribute('hidden')).toBe(false)
    expect(unlabeled(el)).toEqual([])
    expect(el.querySelector('[data-testid=export-format-dicom]')).toBeNull()
    expect(el.querySelector('[data-testid=export-linkage]')).toBeNull()
    act(() => session.set({ exportUi: { ...IDLE_EXPORT, open: true, status: 'done', report: { folder: '/data/exports', figures: 1, warnings: ['check the pixels'], files: [{ name: 'ml-ab-x.png', format: 'png', bytes: 4096, width: 600, height: 400 }] } } }))
    expect(el.querySelector('[data-testid=export-folder]')?.textContent).toBe('/data/exports')
    expect(el.querySelector('[data-testid=export-file]')?.textContent).toContain('ml-ab-x.png')
    expect(el.textContent).toContain('check the pixels')
    act(() => session.set({ exportUi: { ...IDLE_EXPORT, open: true, status: 'error', error: { code: 'export/phi-detected', message: 'would contain patient details' } } }))
    expect(el.querySelector('[data-testid=export-error]')?.textContent).toContain('would contain patient details')
    await act(async () => session.set({ image: await imageOf('ct.dcm') }))
    expect(el.querySelector('[data-testid=export-format-dicom]')).not.toBeNull()
    expect(el.querySelector('[data-testid=export-linkage]')).not.toBeNull()
    act(() => session.set({ exportUi: { ...IDLE_EXPORT, open: true, status: 'running', requestId: 'x' } }))
    expect(el.querySelector('[data-testid=export-progress] progress')).not.toBeNull()
    expect(el.querySelector<HTMLButtonElement>('[data-testid=export-run]')?.disabled).toBe(true)
    act(() => session.set({ exportUi: IDLE_EXPORT }))
    expect(el.querySelector('[role=dialog]')?.hasAttribute('hidden')).toBe(true)
  })

  it('export dialog: filing the SC into the source study is an explicit DICOM-only choice that replaces the linkage ID; a download is named', async () => {
    session.set({ image: await imageOf('ct.dcm'), exportUi: { ...IDLE_EXPORT, open: true } })
    const el = render(<ExportDialog />)
    const q = (id: string) => el.querySelector<HTMLInputElement>(`[data-testid=${id}]`)
    expect(q('export-source-study')).toBeNull() // only once the DICOM format is chosen
    await act(async () => q('export-format-dicom')!.click())
    expect(q('export-source-study')?.checked).toBe(false)
    expect(unlabeled(el)).toEqual([])
    await act(async () => q('export-source-study')!.click())
    expect(q('export-linkage')).toBeNull()
    expect(el.textContent).toMatch(/keeps the patient’s name, ID, dates and study; the other files stay de-identified/)
    act(() => session.set({ exportUi: { ...IDLE_EXPORT, open: true, status: 'done', report: { folder: null, figures: 1, warnings: [], downloaded: 'ml-ab-x.zip', files: [{ name: 'ml-ab-x.png', format: 'png', bytes: 4096 }, { name: 'ml-ab-x.dcm', format: 'dicom', bytes: 9000 }] } } }))
    expect(q('export-download')?.textContent).toBe('ml-ab-x.zip')
    expect(q('export-folder')).toBeNull()
    expect(el.querySelector('[data-testid=export-report]')?.textContent).toMatch(/Made 2 files; your browser saves them as ml-ab-x\.zip/)
  })

  it('export dialog: the patch grid is drawn by default exactly when the screen draws it (a pinned patch)', () => {
    const grid = (el: HTMLElement): boolean | undefined => el.querySelector<HTMLInputElement>('[data-testid=export-grid]')?.checked
    act(() => scene.setPinned(null))
    act(() => session.set({ exportUi: { ...IDLE_EXPORT, open: true } }))
    const el = render(<ExportDialog />)
    expect(grid(el)).toBe(false)
    act(() => session.set({ exportUi: IDLE_EXPORT }))
    act(() => scene.setPinned({ row: 1, col: 1, index: 15 }))
    act(() => session.set({ exportUi: { ...IDLE_EXPORT, open: true } }))
    expect(grid(el)).toBe(true)
    act(() => scene.setPinned(null))
  })

  it('scan controls: window presets, model input choice, labelled', async () => {
    session.set({ image: await imageOf('ct.dcm') })
    const el = render(<ScanControls />)
    expect(unlabeled(el)).toEqual([])
    expect(Array.from(el.querySelectorAll<HTMLOptionElement>('#window-preset option')).map((o) => o.value)).toEqual(['ct-soft-tissue', 'ct-lung'])
    expect(el.querySelector<HTMLSelectElement>('[data-testid=model-input-source]')?.value).toBe('model-card')
    expect(el.querySelector('[data-testid=model-input-note]')?.textContent).toMatch(/your display settings change only the screen/)
    expect(el.querySelector('[data-testid=slice-axis]')).toBeNull()
  })

  it('patient details appear only after the user asks, and go away when hidden', async () => {
    session.set({ image: await imageOf('ct.dcm') })
    const el = render(<PatientDetails />)
    expect(el.textContent).not.toContain('Testperson')
    expect(el.querySelector('[data-testid=phi-toggle]')?.textContent).toContain('1 hidden')
    await act(async () => el.querySelector<HTMLButtonElement>('[data-testid=phi-toggle]')!.click())
    expect(el.querySelector('[data-testid=phi-list]')?.textContent).toContain('Testperson^Alice')
    expect(JSON.stringify(session.get())).not.toContain('Testperson')
    await act(async () => el.querySelector<HTMLButtonElement>('[data-testid=phi-toggle]')!.click())
    expect(el.textContent).not.toContain('Testperson')
  })

  it('a millimetre scale bar where the image has a pixel spacing, sized by the zoom', async () => {
    session.set({ image: await imageOf('ct.dcm') })
    act(() => {
      scene.setImage({ width: 32, height: 24, data: new Uint8Array(32 * 24 * 3) }, 'ct')
      scene.setViewport({ scale: 4, x: 0, y: 0 })
    })
    const el = render(<PaneAnnotations />)
    const bar = el.querySelector<HTMLElement>('[data-testid=scale-bar]')
    // 0.5 mm per pixel at 4 screen px per pixel: 0.125 mm per screen px → a 10 mm bar of 80 px.
    expect(bar?.getAttribute('data-mm')).toBe('10')
    expect(bar?.querySelector<HTMLElement>('.scale-bar-line')?.style.width).toBe('80px')
    await act(async () => session.set({ image: await imageOf('photo.png') }))
    expect(el.querySelector('[data-testid=scale-bar]')).toBeNull()
  })
})
