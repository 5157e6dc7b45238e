// @vitest-environment node
/**
 * `export:figure` through the real dispatcher (schema → handler → Result): runs are kept by runId in main,
 * the page names only runs and methods (never a folder), the figure carries provenance with the model-input
 * record, refusals write nothing, and neither logs nor errors carry patient values or the folder.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { PNG_PROVENANCE_KEY } from '../../../main/adapters/export'
import { loadImageFile } from '../../../main/adapters/image-io/registry'
import { createDispatcher } from '../../../main/app/dispatch'
import { exportInProcess, exportInWorker } from '../../../main/app/export/export-thread'
import { createHandlers } from '../../../main/app/handlers'
import { ImageStore } from '../../../main/app/image-store'
import { RunStore } from '../../../main/app/run-store'
import { parseProvenance } from '../../../main/core/export/provenance'
import { renderDisplay } from '../../../main/core/image/display'
import { decodeWire, encodeWire } from '../../../main/core/ui/wire'
import { createLogger, type LogRecord } from '../../../main/core/log'
import type { ExplainResultDto, ImageInfoDto, Result } from '../../../preload/contract'
import type { ExportFigureRequest, ExportReportDto } from '../../../preload/export-contract'
import { signedCtRescale } from '../../fixtures/dicom-gen/cases'
import { FAKE_PATIENT } from '../../fixtures/dicom-gen/make-dicom'
import { InMemoryFakeEngine } from '../../renderer/fakes/in-memory-fake-engine'
import { hasTool, pngItxt, scratch, zipEntries } from '../adapters/export/readers'

const tmp = scratch('app')
afterAll(tmp.cleanup)

/** `folder`: Electron's dialog answer (null = cancelled), or 'download' for browser mode. */
function setup(folder: string | null | 'download', opts: { worker?: boolean } = {}) {
  const records: LogRecord[] = []
  const log = createLogger((r) => records.push(r))
  const images = new ImageStore({ load: (b, o) => loadImageFile(b, o), render: renderDisplay })
  const runStore = new RunStore()
  const handlers = createHandlers({
    engine: new InMemoryFakeEngine(), images, appVersion: '0.1.0-test', mode: 'browser', log, runStore,
    exports: {
      destination: folder === 'download' ? { kind: 'download' } : { kind: 'folder', choose: async () => folder }, linkageSalt: async () => 'test-site-salt', runExport: opts.worker === true ? exportInWorker(log) : exportInProcess,
    },
  })
  const dispatch = createDispatcher(handlers, log)
  const call = async <T>(channel: string, req: unknown): Promise<Result<T>> => (await dispatch(channel, req, { emit: () => undefined })) as Result<T>
  return { call, records, runStore }
}

const VIEW: ExportFigureRequest['view'] = { colormap: 'inferno', opacity01: 0.6, threshold01: 0, contour: false, showGrid: false, pinnedPatch: 5, mode: 'image' }

function exportReq(panes: ExportFigureRequest['panes'], over: Partial<ExportFigureRequest> = {}): ExportFigureRequest {
  return { requestId: 'x1', panes, view: VIEW, formats: ['png', 'svg'], pngScales: [1], sidecar: false, keepLinkageId: false, acceptBurnedInAnnotation: false, ...over }
}

async function explained(app: ReturnType<typeof setup>, targetClass?: number): Promise<{ image: ImageInfoDto; run: ExplainResultDto }> {
  const loaded = await app.call<ImageInfoDto>('image:load', { name: 'ct.dcm', bytes: signedCtRescale().bytes })
  if (!loaded.ok) throw new Error(loaded.error.message)
  const run = await app.call<ExplainResultDto>('explain:run', { requestId: 'r1', imageId: loaded.value.imageId, options: targetClass === undefined ? {} : { targetClass } })
  if (!run.ok) throw new Error(run.error.message)
  return { image: loaded.value, run: run.value }
}

describe('export:figure', () => {
  it('records the model input with each run and exports the shown method with provenance', async () => {
    const dir = join(tmp.dir, 'one')
    const app = setup(dir)
    const { image, run } = await explained(app)
    expect(run.inputMapping).toEqual(image.modelInput.mapping)
    expect(app.runStore.get(run.runId)?.source.kind).toBe('dicom')
    const r = await app.call<ExportReportDto>('export:figure', exportReq([{ runId: run.runId, methodId: 'mamba-attribution' }]))
    if (!r.ok) throw new Error(r.error.code)
    expect(r.value).toMatchObject({ folder: dir, figures: 1, warnings: [] })
    expect(r.value.files.map((f) => f.name).sort()).toEqual(readdirSync(dir).sort())
    expect(r.value.files.map((f) => f.format)).toEqual(['png', 'svg'])
    const png = r.value.files.find((f) => f.format === 'png')!
    const prov = parseProvenance(pngItxt(new Uint8Array(readFileSync(join(dir, png.name)))).get(PNG_PROVENANCE_KEY) ?? '')
    expect(prov).toMatchObject({
      input: { kind: 'dicom', mapping: { source: 'file', chosenBy: 'model-card', windowCenter: 40, windowWidth: 400 } },
      view: { layout: 'single', colormap: 'inferno', pinnedPatch: { index: 5 } }, target: { index: run.targetClass },
    })
    const logged = JSON.stringify(app.records)
    expect(logged).not.toContain(dir)
    for (const v of Object.values(FAKE_PATIENT)) expect(logged).not.toContain(v)
  })

  it('side by side: two methods of one run make one figure; two classes make one figure each', async () => {
    const dir = join(tmp.dir, 'compare')
    const app = setup(dir)
    const { image, run } = await explained(app)
    const other = await app.call<ExplainResultDto>('explain:run', { requestId: 'r2', imageId: image.imageId, options: { targetClass: 2 } })
    if (!other.ok) throw new Error(other.error.code)
    const methods = await app.call<ExportReportDto>('export:figure', exportReq([{ runId: run.runId, methodId: 'mamba-attribution' }, { runId: run.runId, methodId: 'mamba-rollout' }], { formats: ['pdf'] }))
    expect(methods.ok && [methods.value.figures, methods.value.files.map((f) => f.name)]).toEqual([1, [expect.stringMatching(/mamba-attribution_mamba-rollout-class\d+[\w-]*\.pdf$/)]])
    const classes = await app.call<ExportReportDto>('export:figure', exportReq([{ runId: run.runId, methodId: 'mamba-attribution' }, { runId: other.value.runId, methodId: 'mamba-attribution' }], { formats: ['svg'] }))
    expect(classes.ok && classes.value.figures).toBe(2)
    expect(classes.ok && classes.value.files).toHaveLength(2)
  })

  it.skipIf(!hasTool('python3'))('browser mode: the same files come back as one download (the only file, or a stored ZIP), and no folder is left', async () => {
    // One clock for both exports, so the provenance's time (and with it every byte) can agree.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-07T06:00:00Z') })
    try {
      const dir = join(tmp.dir, 'electron-path')
      const electron = setup(dir)
      const browser = setup('download')
      const pane = (run: ExplainResultDto) => [{ runId: run.runId, methodId: 'mamba-attribution' }]
      const [e, b] = [await explained(electron), await explained(browser)]
      const staged = readdirSync(tmpdir()).filter((n) => n.startsWith('mamba-lens-export-')).length
      const req = exportReq(pane(e.run), { formats: ['png', 'svg', 'pdf'], sidecar: true })
      const onDisk = await electron.call<ExportReportDto>('export:figure', req)
      const sent = await browser.call<ExportReportDto>('export:figure', { ...req, panes: pane(b.run) })
      if (!onDisk.ok || !sent.ok) throw new Error('export failed')
      expect(sent.value).toMatchObject({ folder: null, figures: 1, files: onDisk.value.files, download: { mime: 'application/zip' } })
      const stem = onDisk.value.files[0]!.name.replace(/\.png$/, '')
      expect(sent.value.download?.name).toBe(`${stem}.zip`)
      const entries = zipEntries(sent.value.download!.bytes)
      expect([...entries.keys()]).toEqual(readdirSync(dir).sort((x, y) => onDisk.value!.files.findIndex((f) => f.name === x) - onDisk.value!.files.findIndex((f) => f.name === y)))
      for (const [name, bytes] of entries) expect(Buffer.compare(bytes, readFileSync(join(dir, name))), name).toBe(0)
      // One file: the file itself, with its type.
      const one = await browser.call<ExportReportDto>('export:figure', { ...req, panes: pane(b.run), formats: ['pdf'], sidecar: false })
      expect(one.ok && one.value.download).toMatchObject({ name: `${stem}.pdf`, mime: 'application/pdf' })
      // As the page receives it over the browser bridge's wire format.
      const wired = decodeWire(encodeWire(one)) as Result<ExportReportDto>
      const pdf = wired.ok ? wired.value.download?.bytes : undefined
      expect(pdf).toBeInstanceOf(Uint8Array)
      expect(Buffer.from(pdf!).subarray(0, 5).toString()).toBe('%PDF-')
      expect(Buffer.compare(Buffer.from(pdf!), readFileSync(join(dir, `${stem}.pdf`)))).toBe(0)
      // Refused (a name in the caption): an error, no download; the staging folders are gone either way.
      const refused = await browser.call('export:figure', { ...req, panes: pane(b.run), caption: 'Patient Maria Silva, DOB 1970-01-01' })
      expect(refused).toMatchObject({ ok: false, error: { code: 'export/phi-pattern' } })
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith('mamba-lens-export-')).length).toBe(staged)
    } finally {
      vi.useRealTimers()
    }
  })

  it('refusals write nothing and say why; the page cannot send a folder; a cancelled dialog is null', async () => {
    const dir = join(tmp.dir, 'refused')
    const app = setup(dir)
    const { run } = await explained(app)
    const pane = [{ runId: run.runId, methodId: 'mamba-rollout' }]
    // The family name alone has no identifier shape: the value check against the DICOM's record refuses it.
    const phi = await app.call('export:figure', exportReq(pane, { caption: `Follow-up of ${FAKE_PATIENT.PatientName.split('^')[0]}` }))
    expect(phi).toMatchObject({ ok: false, error: { code: 'export/phi-detected' } })
    const shaped = await app.call('export:figure', exportReq(pane, { caption: 'Patient Maria Silva, DOB 1970-01-01, MRN 12345' }))
    expect(shaped).toMatchObject({ ok: false, error: { code: 'export/phi-pattern' } })
    expect(JSON.stringify(phi)).not.toContain('Testperson')
    expect(await app.call('export:figure', exportReq([{ runId: 'gone', methodId: 'mamba-rollout' }]))).toMatchObject({ ok: false, error: { code: 'export/invalid-request' } })
    expect(await app.call('export:figure', { ...exportReq(pane), outDir: '/tmp/evil' })).toMatchObject({ ok: false, error: { code: 'ipc/invalid-request' } })
    expect(await app.call('export:figure', exportReq(pane, { formats: [] }))).toMatchObject({ ok: false, error: { code: 'ipc/invalid-request' } })
    expect(() => readdirSync(dir)).toThrow()
    const cancelled = setup(null)
    const r2 = await explained(cancelled)
    expect(await cancelled.call('export:figure', exportReq([{ runId: r2.run.runId, methodId: 'mamba-rollout' }]))).toEqual({ ok: true, value: null })
    expect(await app.call('export:cancel', { requestId: 'nothing' })).toEqual({ ok: true, value: { cancelled: false } })
  })

  it('opt-in linkage ID uses main\'s salt; DICOM SC is written', async () => {
    const dir = join(tmp.dir, 'linkage')
    const app = setup(dir)
    const { run } = await explained(app)
    const r = await app.call<ExportReportDto>('export:figure', exportReq([{ runId: run.runId, methodId: 'mamba-rollout' }], { formats: ['dicom'], keepLinkageId: true, sidecar: true }))
    if (!r.ok) throw new Error(r.error.code)
    const sidecar = JSON.parse(readFileSync(join(dir, r.value.files.find((f) => f.format === 'json')!.name), 'utf8')) as { privacy: { linkageId: string } }
    expect(sidecar.privacy.linkageId).toMatch(/^ML-[0-9A-F]{16}$/)
  })

  it('goes through the worker runner the app uses; export:cancel stops an export in flight', async () => {
    const dir = join(tmp.dir, 'worker')
    const app = setup(dir, { worker: true })
    const { run } = await explained(app)
    const r = await app.call<ExportReportDto>('export:figure', exportReq([{ runId: run.runId, methodId: 'mamba-rollout' }], { formats: ['png', 'pdf'] }))
    expect(r.ok && r.value.files.map((f) => f.format)).toEqual(['png', 'pdf'])
    const pending = app.call('export:figure', exportReq([{ runId: run.runId, methodId: 'mamba-attribution' }], { requestId: 'x2', formats: ['png', 'svg', 'pdf'] }))
    expect(await app.call('export:cancel', { requestId: 'x2' })).toEqual({ ok: true, value: { cancelled: true } })
    expect(await pending).toMatchObject({ ok: false, error: { code: 'run/cancelled' } })
    expect(readdirSync(dir).filter((f) => f.includes('attribution'))).toEqual([])
  })
})
