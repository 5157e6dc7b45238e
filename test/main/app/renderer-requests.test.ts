// @vitest-environment node
/**
 * What the page may make main do (issue 16, build 4), through the real dispatcher and handlers: log lines
 * it writes are one sanitised, capped line; a model it names is a registered id, never a file path.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { loadImageFile } from '../../../main/adapters/image-io/registry'
import { createDispatcher } from '../../../main/app/dispatch'
import { exportInProcess } from '../../../main/app/export/export-thread'
import { createHandlers } from '../../../main/app/handlers'
import { ImageStore } from '../../../main/app/image-store'
import { MAX_RENDERER_LOG_CHARS } from '../../../main/app/logging'
import { RunStore } from '../../../main/app/run-store'
import { renderDisplay } from '../../../main/core/image/display'
import { createLogger, type LogRecord } from '../../../main/core/log'
import { createEngine } from '../../../main/engine'
import type { Result } from '../../../preload/contract'
import { InMemoryFakeEngine } from '../../renderer/fakes/in-memory-fake-engine'
import { cleanup, tempDir } from '../adapters/onnx/fixtures/temp'
import { writeSyntheticModel } from '../adapters/onnx/fixtures/synthetic-model'
import type { Engine } from '../../../main/core/engine/api'

afterAll(cleanup)

function app(engine: Engine = new InMemoryFakeEngine()) {
  const records: LogRecord[] = []
  const log = createLogger((r) => records.push(r))
  const handlers = createHandlers({
    engine, images: new ImageStore({ load: (b, o) => loadImageFile(b, o), render: renderDisplay }), appVersion: '0.1.0-test', mode: 'browser', log,
    runStore: new RunStore(), exports: { destination: { kind: 'folder', choose: async () => null }, linkageSalt: async () => 'salt', runExport: exportInProcess },
  })
  const dispatch = createDispatcher(handlers, log)
  const call = async (channel: string, req: unknown): Promise<Result<unknown>> => dispatch(channel, req, { emit: () => undefined })
  return { call, records }
}

describe('requests from the page', () => {
  it('log:write keeps one line: no newline, escape sequence or bidi override, capped length', async () => {
    const a = app()
    const forged = 'real error\n[error] app.ipc: forged line\r\u001b[31mred\u001b]0;title\u0007\u202etxt.exe ' + 'x'.repeat(3000)
    expect((await a.call('log:write', { level: 'error', message: forged })).ok).toBe(true)
    const line = a.records.find((r) => r.category.endsWith('renderer'))?.message ?? ''
    expect(line.startsWith('real error [error] app.ipc: forged line')).toBe(true)
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/)
    expect(line.length).toBeLessThanOrEqual(MAX_RENDERER_LOG_CHARS + 1)
  })

  it('a modelId that is a path (absolute or ../) is model/not-found, like an unknown id: no card is loaded', async () => {
    const dir = tempDir()
    const other = tempDir()
    writeSyntheticModel(dir, { id: 'syn' })
    const outside = writeSyntheticModel(other, { id: 'outside' })
    const engine = await createEngine({ modelsDir: dir, preferProviders: ['cpu'], preload: false })
    const a = app(engine)
    const relative = `../${other.split('/').pop()}/outside.json`
    for (const modelId of [outside.cardPath, outside.onnxPath, relative, 'unknown']) {
      const r = await a.call('methods:list', { modelId })
      expect(r.ok ? 'ok' : r.error.code).toBe('model/not-found')
    }
    expect((await a.call('methods:list', { modelId: 'syn' })).ok).toBe(true)
    expect(engine.listModels().map((m) => m.id)).toEqual(['syn'])
    await engine.close()
  })
})
