// @vitest-environment node
/** The transport-free request path (main/app/dispatch.ts + errors.ts + schemas.ts). */
import { describe, expect, it, vi } from 'vitest'
import { AppError, messages } from '../../../main/core/errors'
import { createLogger, type LogRecord } from '../../../main/core/log'
import { ImageIoError } from '../../../main/adapters/image-io/errors'
import { createDispatcher, deferredDispatch, type Handlers } from '../../../main/app/dispatch'
import { INVOKE_CHANNELS } from '../../../preload/contract'

function setup(overrides: Partial<Handlers> = {}) {
  const records: LogRecord[] = []
  const log = createLogger((r) => records.push(r))
  const fail = async (): Promise<never> => {
    throw new Error('not stubbed')
  }
  const handlers = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, fail])) as unknown as Handlers
  const dispatch = createDispatcher({ ...handlers, ...overrides }, log)
  return { dispatch, records }
}

const ctx = { emit: () => undefined }

describe('dispatch', () => {
  it('refuses unknown channels and invalid requests before any handler runs', async () => {
    const drilldown = vi.fn(async () => ({ runId: 'r', token: 1, patch: 1, rows: [], cols: [], profile: {}, durationMs: 0 }))
    const { dispatch } = setup({ 'explain:drilldown': drilldown })
    expect(await dispatch('fs:read', {}, ctx)).toMatchObject({ ok: false, error: { code: 'ipc/invalid-request' } })
    expect(await dispatch('explain:drilldown', { runId: 'r', token: -1 }, ctx)).toMatchObject({ ok: false, error: { code: 'ipc/invalid-request' } })
    expect(await dispatch('explain:drilldown', { runId: 'r', token: 3, extra: 1 }, ctx)).toMatchObject({ ok: false })
    expect(drilldown).not.toHaveBeenCalled()
    expect(await dispatch('explain:drilldown', { runId: 'r', token: 3 }, ctx)).toMatchObject({ ok: true, value: { runId: 'r' } })
  })

  it('keeps AppError codes with their user sentence', async () => {
    const { dispatch } = setup({ 'methods:list': async () => { throw new AppError('model/not-found') } })
    expect(await dispatch('methods:list', {}, ctx)).toEqual({ ok: false, error: { code: 'model/not-found', message: messages['model/not-found'] } })
  })

  it('sends an image loader\'s code and its sentence, filled from safe detail keys only', async () => {
    const detail = { transferSyntax: 'JPEG XL', PatientName: 'Doe^Jane' }
    const { dispatch } = setup({ 'image:load': async () => { throw new ImageIoError('image/dicom-unsupported-transfer-syntax', { detail }) } })
    const r = await dispatch('image:load', { name: 'x.dcm', bytes: new Uint8Array(4) }, ctx)
    expect(r).toMatchObject({ ok: false, error: { code: 'image/dicom-unsupported-transfer-syntax' } })
    expect(r.ok ? '' : r.error.message).toMatch(/uses JPEG XL compression/)
    expect(r.ok ? '' : r.error.message).not.toContain('Doe')
  })

  it('turns unexpected errors into "internal" without leaking their text, and logs them in full', async () => {
    const { dispatch, records } = setup({ 'app:info': async () => { throw new TypeError('secret /home/user/scan.dcm') } })
    const r = await dispatch('app:info', null, ctx)
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: messages.internal } })
    expect(records.some((x) => x.level === 'error' && JSON.stringify(x.fields).includes('TypeError'))).toBe(true)
  })

  it('reports an aborted run as cancelled', async () => {
    const { dispatch } = setup({ 'explain:run': async () => { throw Object.assign(new Error('x'), { name: 'AbortError' }) } })
    expect(await dispatch('explain:run', { requestId: 'q', imageId: 'i', options: {} }, ctx)).toMatchObject({ error: { code: 'run/cancelled' } })
  })

  it('deferred dispatch waits for start-up and words a start-up failure', async () => {
    const log = createLogger(() => undefined)
    const failed = deferredDispatch(Promise.reject(new AppError('model/load-failed')), log)
    expect(await failed('app:info', null, ctx)).toMatchObject({ ok: false, error: { code: 'model/load-failed' } })
    const { dispatch } = setup({ 'log:write': async () => null })
    const ok = deferredDispatch(Promise.resolve(dispatch), log)
    expect(await ok('log:write', { level: 'warn', message: 'm' }, ctx)).toEqual({ ok: true, value: null })
  })
})
